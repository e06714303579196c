import Foundation
import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// SARIF 2.1.0: the keys code-scanning services read, 1-based positions, one rule per id.
@Suite struct SARIFReporterTests {
  @Test func snapshotAndShape() throws {
    let files = try ReporterFixtures.analyses()
    let text = SARIFReporter.render(files)
    #expect(snapshotMismatch(text, fixture: "expected/reporters/sarif.json") == nil)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["version"] as? String == "2.1.0")
    let run = try #require((object["runs"] as? [[String: Any]])?.first)
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(results.count == files.flatMap(\.statements).flatMap(\.findings).count)
    let region = try #require(
      ((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"]
        as? [String: Any])
    #expect((region["startLine"] as? Int ?? 0) >= 1)
    #expect((region["startColumn"] as? Int ?? 0) >= 1)
  }
}
