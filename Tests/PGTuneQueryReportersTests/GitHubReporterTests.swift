import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// GitHub workflow commands: `::warning file=…,line=…,col=…,title=…::message`, one per finding,
/// with the characters GitHub treats specially escaped.
@Suite struct GitHubReporterTests {
  @Test func snapshotOneAnnotationPerFinding() throws {
    let files = try ReporterFixtures.analyses()
    let text = GitHubReporter.render(files)
    #expect(snapshotMismatch(text, fixture: "expected/reporters/github.txt") == nil)
    let annotations = text.split(separator: "\n").filter { $0.hasPrefix("::") }
    #expect(annotations.count == files.flatMap(\.statements).flatMap(\.findings).count)
    #expect(annotations.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") || $0.hasPrefix("::notice ") })
  }

  @Test func newlinesAndPercentSignsAreEscaped() {
    let text = GitHubReporter.render([analyze("SELECT 1 FROM t\nWHERE a = NULL -- 100%", name: "q,1.sql")])
    #expect(!text.dropLast().contains("\n\n"))
    #expect(text.contains("file=q%2C1.sql"))
  }
}
