/// Decodes libpg_query's JSON parse tree into a `SyntaxTree`.
///
/// Why JSON and not protobuf: on this parser version `pg_query_parse` (JSON) runs ~4× faster than
/// `pg_query_parse_protobuf`, and this decoder reads JSON about as fast as libpg_query writes it.
/// The one thing the JSON of libpg_query 15-4.0.0 gets wrong — integers ≤ 0 print as `{}`
/// (upstream issue #243) — is repaired from the source text by `IntegerRepair`.
///
/// The decoder is iterative (an explicit stack), so a tree nested thousands of levels deep costs
/// heap, never call stack.
enum ParseTreeDecoder {
  struct Malformed: Error, CustomStringConvertible {
    let offset: Int
    let reason: String
    var description: String { "unexpected parse tree JSON at byte \(offset): \(reason)" }
  }

  private struct Frame {
    var isObject: Bool
    var node: Int32
    var kind: NodeKind
    var wrapped: Bool
    var field: FieldName?
    var scratchStart: Int
  }

  /// - Parameters:
  ///   - json: libpg_query's JSON for `text`; the tree keeps none of it (string values are copied).
  ///   - text: the exact bytes that were parsed (needed to repair lost negative integers).
  ///   - baseOffset: where `text` starts in its source file.
  ///   - absentLocation: what a node's left-out location reads as, in `text`. libpg_query leaves
  ///     out a location of 0: the start of the text, or a node PostgreSQL made without one (an
  ///     `ALTER CONSTRAINT`'s Constraint). A statement parsed alone reads it as its own start;
  ///     one parsed with others in a piece passes where it starts, so that it reads the same.
  ///   - consumed: told, now and then, of a range of a large JSON that has been read and will not
  ///     be read again (its owner may give those pages back while the tree grows).
  static func decode(
    json: UnsafeBufferPointer<UInt8>, text: UnsafeBufferPointer<UInt8>, baseOffset: Int, absentLocation: Int = 0,
    consumed: (Range<Int>) -> Void = { _ in }
  ) throws(Malformed) -> SyntaxTree {
    var state = State(jsonLength: json.count)
    state.absentLocation = Int32(truncatingIfNeeded: absentLocation)
    try state.run(json, tellsConsumed: json.count > State.largeJSON, consumed)
    let lostIntegers = IntegerRepair.repair(
      nodes: &state.nodes, fields: &state.fields, zeroIntegers: state.zeroIntegers, text: text)
    return SyntaxTree(
      strings: state.strings, nodes: state.nodes, fields: state.fields, listItems: state.listItems,
      baseOffset: baseOffset, hasUnrecoverableIntegers: lostIntegers)
  }

  private struct State {
    var nodes: [SyntaxTree.RawNode] = []
    var fields: [SyntaxTree.RawField] = []
    var listItems: [Int32] = []
    var strings: [UInt8] = []
    var fieldScratch: [SyntaxTree.RawField] = []
    var itemScratch: [Int32] = []
    var stack: [Frame] = []
    var zeroIntegers: [Int32] = []
    var position = 0
    var absentLocation: Int32 = 0

    init(jsonLength: Int) {
      if jsonLength > Self.largeJSON {
        // Room for as many nodes and fields as the JSON can hold (a node takes at least 6 bytes
        // of it, `"f":{}`, but for a NULL list entry; a field at least 5, `"f":1`), so that the
        // arrays do not grow: growing a 100 MB array keeps the old and the new one resident while
        // it is copied. Pages never written are address space, not memory; a JSON of NULL
        // entries only would still fit, the arrays growing as usual.
        nodes.reserveCapacity(jsonLength / 6)
        fields.reserveCapacity(jsonLength / 5)
        listItems.reserveCapacity(jsonLength / 6)
      } else {
        nodes.reserveCapacity(64)
        fields.reserveCapacity(128)
      }
      fieldScratch.reserveCapacity(64)
      stack.reserveCapacity(32)
    }

    /// Above this, the arrays are sized for the worst case up front (see `init`).
    static let largeJSON = 1 << 20
    /// How much read JSON `consumed` is told of at a time.
    static let consumedStep = 4 << 20

    /// - Parameter consumed: with `tellsConsumed`, told of the JSON read so far every
    ///   `consumedStep` bytes.
    mutating func run(
      _ bytes: UnsafeBufferPointer<UInt8>, tellsConsumed: Bool, _ consumed: (Range<Int>) -> Void
    ) throws(Malformed) {
      // The JSON before this offset has been handed to `consumed`.
      var released = 0
      skipSpace(bytes)
      try expect(UInt8(ascii: "{"), bytes)
      openNode(kind: .parseResult, parent: -1, parentField: nil, wrapped: false)
      while let top = stack.last {
        skipSpace(bytes)
        guard position < bytes.count else { throw Malformed(offset: position, reason: "truncated") }
        let byte = bytes[position]
        if byte == UInt8(ascii: ",") {
          position += 1
          continue
        }
        if top.isObject {
          if byte == UInt8(ascii: "}") {
            position += 1
            try closeObject(bytes)
            if tellsConsumed, position - released >= Self.consumedStep {
              consumed(released..<position)
              released = position
            }
            continue
          }
          let field = try readFieldName(bytes)
          stack[stack.count - 1].field = field
          skipSpace(bytes)
          try expect(UInt8(ascii: ":"), bytes)
          skipSpace(bytes)
          try readValue(bytes, owner: top.node, ownerKind: top.kind, field: field)
        } else {
          if byte == UInt8(ascii: "]") {
            position += 1
            closeArray()
            continue
          }
          try readValue(bytes, owner: top.node, ownerKind: top.kind, field: top.field)
        }
      }
    }

    private mutating func openNode(kind: NodeKind, parent: Int32, parentField: FieldName?, wrapped: Bool) {
      nodes.append(SyntaxTree.RawNode(kind: kind, parentField: parentField, parent: parent, location: SyntaxTree.RawNode.unread))
      stack.append(
        Frame(
          isObject: true, node: Int32(nodes.count - 1), kind: kind, wrapped: wrapped, field: nil,
          scratchStart: fieldScratch.count))
    }

    private mutating func closeObject(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) {
      let frame = stack.removeLast()
      let index = Int(frame.node)
      let count = fieldScratch.count - frame.scratchStart
      nodes[index].firstField = Int32(fields.count)
      nodes[index].fieldCount = UInt16(truncatingIfNeeded: count)
      if count > 0 {
        fields.append(contentsOf: fieldScratch[frame.scratchStart...])
        fieldScratch.removeSubrange(frame.scratchStart...)
      }
      // libpg_query writes PostgreSQL's "unknown" (-1) as it is and leaves a zero out: only an
      // absent field is `absentLocation`. (Reading -1 so too put such nodes, a SortBy without
      // USING, at the start of the parsed text, which is the start of a whole piece of a file.)
      if nodes[index].location == SyntaxTree.RawNode.unread {
        nodes[index].location = frame.kind.hasLocationField ? absentLocation : -1
      }
      if count == 0 && frame.kind == .integer { zeroIntegers.append(frame.node) }
      if frame.wrapped {
        skipSpace(bytes)
        try expect(UInt8(ascii: "}"), bytes)
      }
      deliver(.node(frame.node), node: frame.node)
    }

    private mutating func closeArray() {
      let frame = stack.removeLast()
      let start = listItems.count
      let count = itemScratch.count - frame.scratchStart
      if count > 0 {
        listItems.append(contentsOf: itemScratch[frame.scratchStart...])
        itemScratch.removeSubrange(frame.scratchStart...)
      }
      deliver(.list(start: Int32(start), count: Int32(count)), node: nil)
    }

    /// Hands a finished value to the frame that is now on top: a field of an object, or an item
    /// of a list (lists hold nodes only).
    private mutating func deliver(_ value: SyntaxTree.RawValue, node: Int32?) {
      guard let top = stack.last else { return }
      if top.isObject {
        guard let field = top.field else { return }
        // A location is kept in the node only (`Node.location`), not as a field as well: a fifth
        // of all fields, 18 MB of a 10 MB IN list's tree, and every field lookup passed over it.
        if field == .location, case .integer(let location) = value {
          nodes[Int(top.node)].location = Int32(truncatingIfNeeded: location)
          return
        }
        fieldScratch.append(SyntaxTree.RawField(name: field, value: value))
      } else if let node {
        itemScratch.append(node)
      }
    }

    private mutating func readValue(
      _ bytes: UnsafeBufferPointer<UInt8>, owner: Int32, ownerKind: NodeKind, field: FieldName?
    ) throws(Malformed) {
      let byte = bytes[position]
      switch byte {
      case UInt8(ascii: "{"):
        position += 1
        skipSpace(bytes)
        // `{"SelectStmt":{…}}` wraps a Node; any other object is a message of the field's type.
        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\""),
          (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[position + 1])
        {
          let kind = try readNodeKind(bytes)
          skipSpace(bytes)
          try expect(UInt8(ascii: ":"), bytes)
          skipSpace(bytes)
          try expect(UInt8(ascii: "{"), bytes)
          openNode(kind: kind, parent: owner, parentField: field, wrapped: true)
        } else {
          // `{}` where a Node belongs is a NULL entry (e.g. the list PostgreSQL keeps for a
          // plain DISTINCT, or a function without a column definition list): kind `.node`.
          let isEmpty = position < bytes.count && bytes[position] == UInt8(ascii: "}")
          guard let kind = field.flatMap({ NodeKind.inlineMessageKind(parent: ownerKind, field: $0) })
            ?? (isEmpty ? .node : nil)
          else { throw Malformed(offset: position, reason: "object of unknown type in \(ownerKind.name)") }
          openNode(kind: kind, parent: owner, parentField: field, wrapped: false)
        }
      case UInt8(ascii: "["):
        position += 1
        stack.append(
          Frame(
            isObject: false, node: owner, kind: ownerKind, wrapped: false, field: field,
            scratchStart: itemScratch.count))
      case UInt8(ascii: "\""):
        deliver(try readString(bytes), node: nil)
      case UInt8(ascii: "t"):
        position += 4
        deliver(.bool(true), node: nil)
      case UInt8(ascii: "f"):
        position += 5
        deliver(.bool(false), node: nil)
      case UInt8(ascii: "n"):
        position += 4
      default:
        deliver(try readNumber(bytes), node: nil)
      }
    }

    private mutating func readString(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed)
      -> SyntaxTree.RawValue
    {
      position += 1
      let start = position
      var escaped = false
      while position < bytes.count {
        let byte = bytes[position]
        if byte == UInt8(ascii: "\"") {
          let offset = strings.count
          strings.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
          position += 1
          return .string(start: Int32(offset), length: Int32(position - 1 - start), escaped: escaped)
        }
        if byte == UInt8(ascii: "\\") {
          escaped = true
          position += 1
        }
        position += 1
      }
      throw Malformed(offset: start, reason: "unterminated string")
    }

    private mutating func readNumber(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed)
      -> SyntaxTree.RawValue
    {
      let start = position
      var negative = false
      if bytes[position] == UInt8(ascii: "-") {
        negative = true
        position += 1
      }
      var value: Int64 = 0
      var isInteger = true
      while position < bytes.count {
        let byte = bytes[position]
        if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
          value = value &* 10 &+ Int64(byte - UInt8(ascii: "0"))
        } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
          || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
        {
          isInteger = false
        } else {
          break
        }
        position += 1
      }
      guard position > start else { throw Malformed(offset: start, reason: "unexpected character") }
      if isInteger { return .integer(negative ? -value : value) }
      let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
      return .double(Double(text) ?? 0)
    }

    private mutating func readFieldName(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) -> FieldName {
      let (start, count) = try readKey(bytes)
      guard let id = NameTable.fieldNames.lookup(bytes.baseAddress! + start, count),
        let name = FieldName(rawValue: UInt16(id))
      else { throw Malformed(offset: start, reason: "unknown field name") }
      return name
    }

    private mutating func readNodeKind(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) -> NodeKind {
      let (start, count) = try readKey(bytes)
      guard let id = NameTable.nodeKinds.lookup(bytes.baseAddress! + start, count),
        let kind = NodeKind(rawValue: UInt16(id))
      else { throw Malformed(offset: start, reason: "unknown node type") }
      return kind
    }

    private mutating func readKey(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) -> (Int, Int) {
      try expect(UInt8(ascii: "\""), bytes)
      let start = position
      while position < bytes.count && bytes[position] != UInt8(ascii: "\"") { position += 1 }
      guard position < bytes.count else { throw Malformed(offset: start, reason: "unterminated key") }
      position += 1
      return (start, position - 1 - start)
    }

    @inline(__always)
    private mutating func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>) {
      while position < bytes.count {
        let byte = bytes[position]
        guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
        position += 1
      }
    }

    @inline(__always)
    private mutating func expect(_ byte: UInt8, _ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) {
      guard position < bytes.count, bytes[position] == byte else {
        throw Malformed(offset: position, reason: "expected '\(Character(Unicode.Scalar(byte)))'")
      }
      position += 1
    }
  }
}
