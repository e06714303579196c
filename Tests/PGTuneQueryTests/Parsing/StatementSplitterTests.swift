import PGTuneQuery
import TestSupport
import Testing

@Suite struct StatementSplitterTests {
  private func texts(_ sql: String) -> [String] {
    let source = SourceFile(name: "t.sql", bytes: Array(sql.utf8))
    return StatementParser.split(source).map { String(decoding: source.bytes[$0], as: UTF8.self) }
  }

  private func parsed(_ sql: String) -> [(text: String, ok: Bool)] {
    let source = SourceFile(name: "t.sql", bytes: Array(sql.utf8))
    return StatementParser.split(source).map { range in
      let statement = StatementParser.parse(source, range: range)
      return (String(decoding: source.bytes[statement.start..<range.upperBound], as: UTF8.self), statement.error == nil)
    }
  }

  @Test func validFileUsesTheParserSplit() {
    #expect(texts("SELECT 1; SELECT 2;\nSELECT 3") == ["SELECT 1", " SELECT 2", "\nSELECT 3"])
    #expect(texts("CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2); SELECT 3").count == 2)
  }

  /// The parser split gives up on the whole file at one syntax error; libpg_query's scanner split
  /// drops `SELEC 2` entirely. Ours keeps every statement.
  @Test func oneBrokenStatementKeepsTheOthers() {
    let statements = parsed("SELECT 1; SELEC 2; SELECT 3")
    #expect(statements.map(\.text) == ["SELECT 1", "SELEC 2", "SELECT 3"])
    #expect(statements.map(\.ok) == [true, false, true])
  }

  @Test func unclosedParenthesisDoesNotSwallowLaterStatements() {
    let statements = parsed("SELECT (1; SELECT 2; SELECT 3")
    #expect(statements.map(\.text) == ["SELECT (1", "SELECT 2", "SELECT 3"])
    #expect(statements.map(\.ok) == [false, true, true])
  }

  @Test func nestedStatementListStaysWholeInABrokenFile() {
    let statements = parsed("SELEC 0; CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2); SELECT 3")
    #expect(statements.count == 3)
    #expect(statements.map(\.ok) == [false, true, true])
  }

  @Test func unterminatedStringRunsToTheEnd() {
    let statements = parsed("SELECT 1; SELECT 'oops; SELECT 3")
    #expect(statements.map(\.text) == ["SELECT 1", "SELECT 'oops; SELECT 3"])
    #expect(statements.map(\.ok) == [true, false])
  }

  @Test func emptyAndCommentOnlyInputs() {
    #expect(texts("").isEmpty)
    #expect(texts("  \n-- nothing here\n/* nor here */\n").isEmpty)
    #expect(texts(";;;").isEmpty)
  }

  @Test func leadingCommentsBelongToTheStatementButNotItsStart() {
    let statements = StatementParser.parse(sql: "SELECT 1;\n-- note\n/* block */ SELECT 2")
    #expect(statements.count == 2)
    #expect(statements[1].start == 30)
  }
}
