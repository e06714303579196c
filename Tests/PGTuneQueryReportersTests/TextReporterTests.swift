import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

@Suite struct TextReporterTests {
  @Test func compilerStyleLines() {
    let text = TextReporter.render([analyze("SELECT 1;\n  SELECT * FROM t WHERE a = NULL", name: "q.sql")])
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == "q.sql:2:10: info: [select-star] SELECT * reads and returns every column")
    #expect(lines.contains("q.sql:2:27: error: [compare-to-null] `= NULL` is never true; use IS NULL"))
    #expect(lines.last == "2 statements analyzed, 2 findings (1 error, 1 info)")
    #expect(!text.contains("\u{1B}["))
  }

  @Test func sourceLineAndCaretOnATerminal() {
    let style = TextReporter.Style(color: false, showSource: true)
    let text = TextReporter.render([analyze("SELECT 'é', * FROM t", onlyRules: ["select-star"], name: "q.sql")], style: style)
    #expect(text.contains(" 1 | SELECT 'é', * FROM t\n   |             ^\n"))
  }

  @Test func colourOnlyWhenAsked() {
    let style = TextReporter.Style(color: true, showSource: false)
    let text = TextReporter.render([analyze("DELETE FROM t", name: "q.sql")], style: style)
    #expect(text.contains("\u{1B}[1;33mwarning\u{1B}[0m"))
  }

  @Test func snapshotOfTheShopExample() throws {
    let source = try SourceFile.read(
      path: Repository.path("Fixtures/sql/examples/shop.sql"), displayName: "Fixtures/sql/examples/shop.sql")
    let text = TextReporter.render(Analyzer(jobs: 2).analyze([source]))
    #expect(snapshotMismatch(text, fixture: "expected/shop.txt") == nil)
  }
}

extension TextReporterTests {
  /// A rewrite is shown as a gain only when the estimate falls; an equivalent rewrite whose
  /// estimate rises is kept and says so (EXPLAIN ANALYZE decides), never hidden.
  @Test func rewriteCostsSayWhatTheyMean() {
    #expect(TextReporter.costVerdict(before: 4_553, after: 4_553) == " (no estimated gain)")
    #expect(TextReporter.costVerdict(before: 110, after: 149) == " (estimated +35 %: check with EXPLAIN ANALYZE)")
    #expect(TextReporter.costVerdict(before: 4_710, after: 123) == " (-97 %)")
  }

  /// A mistyped rule id in an ignore comment is a warning at the comment, with the closest id.
  @Test func unknownRuleInAnIgnoreCommentIsReported() {
    let file = analyze("-- pgtune-query: ignore selectstar\nSELECT * FROM t", name: "q.sql")
    let text = TextReporter.render([file])
    #expect(text.contains("q.sql:1:3: warning: [unknown-rule-in-comment] the ignore comment names 'selectstar', which is no rule (did you mean 'select-star'?)"), "\(text)")
    // The typo silences nothing: the finding it meant to silence is still there.
    #expect(text.contains("[select-star]"))
    let fileLevel = analyze("-- pgtune-query: ignore-file union-withoutall\nSELECT 1 UNION SELECT 2", name: "q.sql")
    #expect(TextReporter.render([fileLevel]).contains("did you mean 'union-without-all'?"))
  }
}
