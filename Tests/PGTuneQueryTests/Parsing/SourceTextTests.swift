import PGTuneQuery
import Testing

@Suite struct SourceTextTests {
  @Test(arguments: ["\n", "\r\n", "\r"])
  func lineEndings(lineEnd: String) {
    let text = SourceText(bytes: Array("a\(lineEnd)bc\(lineEnd)\(lineEnd)d".utf8))
    let width = lineEnd.utf8.count
    #expect(text.position(ofByte: 0) == SourcePosition(line: 1, column: 1))
    #expect(text.position(ofByte: 1 + width) == SourcePosition(line: 2, column: 1))
    #expect(text.position(ofByte: 2 + width) == SourcePosition(line: 2, column: 2))
    #expect(text.position(ofByte: 3 + 3 * width) == SourcePosition(line: 4, column: 1))
    #expect(text.line(2) == "bc")
    #expect(text.line(3) == "")
  }

  @Test func columnsCountCharactersNotBytes() {
    let sql = "SELECT 'été😀', x"
    let text = SourceText(bytes: Array(sql.utf8))
    let offset = sql.utf8.count - 1  // the x
    #expect(text.position(ofByte: offset) == SourcePosition(line: 1, column: 16))
  }

  @Test func offsetsAreClamped() {
    let text = SourceText(bytes: Array("ab".utf8))
    #expect(text.position(ofByte: 99) == SourcePosition(line: 1, column: 3))
    #expect(text.position(ofByte: -4) == SourcePosition(line: 1, column: 1))
  }
}

/// The checkpointed column count gives what counting from the line start gives, on long lines,
/// multibyte text and every line ending, across checkpoint boundaries.
@Suite struct SourceTextCheckpointTests {
  @Test func columnsMatchTheNaiveCount() {
    var generator = SystemRandomNumberGenerator()
    let pieces = ["a", "é", "☕", "😀", "\n", "\r\n", "\r", "SELECT 1 ", String(repeating: "x", count: 5_000)]
    for _ in 0..<6 {
      var text = ""
      for _ in 0..<200 { text += pieces[Int.random(in: 0..<pieces.count, using: &generator)] }
      let bytes = Array(text.utf8)
      let source = SourceText(bytes: bytes)
      for offset in stride(from: 0, through: bytes.count, by: max(1, bytes.count / 120)) {
        #expect(source.position(ofByte: offset) == Self.naive(bytes, offset), "offset \(offset)")
      }
    }
  }

  static func naive(_ bytes: [UInt8], _ offset: Int) -> SourcePosition {
    var line = 1
    var lineStart = 0
    var index = 0
    while index < offset {
      if bytes[index] == 0x0A {
        line += 1
        lineStart = index + 1
      } else if bytes[index] == 0x0D {
        if index + 1 < bytes.count && bytes[index + 1] == 0x0A {
          index += 1
          if index >= offset { break }
        }
        line += 1
        lineStart = index + 1
      }
      index += 1
    }
    let column = 1 + bytes[lineStart..<max(lineStart, offset)].filter { $0 & 0xC0 != 0x80 }.count
    return SourcePosition(line: line, column: column)
  }
}
