/// Restores the integers that libpg_query 15-4.0.0's JSON output loses.
///
/// Its JSON writer prints an `Integer` node only when the value is positive, so `SELECT -5` and
/// `SELECT 0` both come out as `"ival":{}` (upstream issue #243). For a constant in an expression
/// (`A_Const`, which has a location) the value can be read back from the source: PostgreSQL folds
/// `- 5` into the constant and points the location at the minus sign, so the text there is a run
/// of minus signs (with blanks or comments between) followed by the digits.
///
/// Integers outside constants (`CREATE SEQUENCE … INCREMENT -1`, `SET STATISTICS -1`) have no
/// location; they keep no value and the tree says so in `hasUnrecoverableIntegers`.
enum IntegerRepair {
  /// Gives each `Integer` node under an `A_Const` its value back. Returns whether some integer
  /// could not be recovered.
  static func repair(
    nodes: inout [SyntaxTree.RawNode], fields: inout [SyntaxTree.RawField], zeroIntegers: [Int32],
    text: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    var lost = false
    for integer in zeroIntegers {
      let parent = nodes[Int(integer)].parent
      guard parent >= 0, nodes[Int(parent)].kind == .aConst,
        let value = readSignedInteger(text, at: Int(nodes[Int(parent)].location))
      else {
        lost = true
        continue
      }
      nodes[Int(integer)].firstField = Int32(fields.count)
      nodes[Int(integer)].fieldCount = 1
      fields.append(SyntaxTree.RawField(name: .ival, value: .integer(value)))
    }
    return lost
  }

  /// Reads `-`, `- -`, `-/*c*/ 7`, `0`… at `offset`. Nil if the text there is not such a number.
  static func readSignedInteger(_ text: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int64? {
    guard offset >= 0, offset < text.count else { return nil }
    var position = offset
    var negative = false
    while position < text.count {
      let byte = text[position]
      if byte == UInt8(ascii: "-") && position + 1 < text.count && text[position + 1] == UInt8(ascii: "-") {
        // `--` starts a line comment, never two minus signs.
        while position < text.count && text[position] != 0x0A && text[position] != 0x0D { position += 1 }
      } else if byte == UInt8(ascii: "-") {
        negative.toggle()
        position += 1
      } else if byte == UInt8(ascii: "/") && position + 1 < text.count && text[position + 1] == UInt8(ascii: "*") {
        position = skipBlockComment(text, from: position)
      } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
        position += 1
      } else {
        break
      }
    }
    var value: Int64 = 0
    var digits = 0
    while position < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[position]) {
      value = value &* 10 &+ Int64(text[position] - UInt8(ascii: "0"))
      position += 1
      digits += 1
    }
    guard digits > 0 else { return nil }
    return negative ? -value : value
  }

  /// PostgreSQL block comments nest.
  private static func skipBlockComment(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var position = start + 2
    var depth = 1
    while position + 1 < text.count && depth > 0 {
      if text[position] == UInt8(ascii: "/") && text[position + 1] == UInt8(ascii: "*") {
        depth += 1
        position += 2
      } else if text[position] == UInt8(ascii: "*") && text[position + 1] == UInt8(ascii: "/") {
        depth -= 1
        position += 2
      } else {
        position += 1
      }
    }
    return depth == 0 ? position : text.count
  }
}
