import Foundation
import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// The one registry of formats: names are unique per command, every format renders the canned
/// results, and the README's format table lists exactly the registry.
@Suite struct OutputFormatsTests {
  @Test func namesAreUniqueAndEveryFormatRenders() throws {
    let names = OutputFormats.statements.map(\.name)
    #expect(Set(names).count == names.count)
    let report = AnalysisReport(files: try ReporterFixtures.analyses())
    for format in OutputFormats.statements { #expect(!format.render(report).isEmpty, "\(format.name)") }
  }

  @Test func readmeTableMatchesTheRegistry() throws {
    let readme = try String(contentsOfFile: Repository.path("README.md"), encoding: .utf8)
    let rows: [(String, [OutputFormat<AnalysisReport>])] = [("analyze, check", OutputFormats.statements)]
    for (commands, formats) in rows {
      for format in formats {
        #expect(readme.contains("| `\(format.name)` | \(commands) | \(format.summary) |"), "README lacks the row for \(format.name)")
      }
    }
    for format in OutputFormats.logs {
      #expect(readme.contains("| `\(format.name)` | report | \(format.summary) |"), "README lacks the report row for \(format.name)")
    }
    for format in OutputFormats.indexes {
      #expect(readme.contains("| `\(format.name)` | indexes | \(format.summary) |"), "README lacks the indexes row for \(format.name)")
    }
  }
}
