import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// The Markdown summary for $GITHUB_STEP_SUMMARY: a title, totals and a table of findings whose
/// cells cannot break the table.
@Suite struct MarkdownReporterTests {
  @Test func snapshot() throws {
    let text = MarkdownReporter.render(try ReporterFixtures.analyses(), title: "pgtune-query check")
    #expect(snapshotMismatch(text, fixture: "expected/reporters/markdown.md") == nil)
    #expect(text.hasPrefix("## pgtune-query check") || text.hasPrefix("# pgtune-query check"))
  }

  @Test func pipesInMessagesDoNotBreakTheTable() {
    let text = MarkdownReporter.render([analyze("SELECT a || b FROM t WHERE c = NULL", name: "q.sql")])
    let rows = text.split(separator: "\n").filter { $0.hasPrefix("|") }
    let columns = Set(rows.map { $0.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count })
    #expect(columns.count == 1, "\(rows)")
  }
}
