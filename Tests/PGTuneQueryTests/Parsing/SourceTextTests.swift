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
