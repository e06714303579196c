import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// `analyze` on a psql script (`Fixtures/psql/`): the findings psql's own reading would reveal,
/// at their positions in the script and in the file it includes; the include cycle is an error
/// that costs nothing else; `--no-psql` reads it as plain SQL.
@Suite struct PsqlScriptCommandTests {
  @Test func scriptWithVariablesConditionalsAndIncludes() throws {
    let result = try runPGTuneQuery(["analyze", "--quiet", "--verbose", "report.sql"], currentDirectory: Repository.path("Fixtures/psql"))
    #expect(result.status == 2, "the include cycle is reported: \(result.stderr)")
    let found = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.contains(": rewrite ") }
      .map { String($0.prefix { $0 != "]" }) + "]" }
    #expect(
      found == [
        "report.sql:5:8: info: [select-star]",
        "report.sql:10:3: warning: [delete-without-where]",
        "report.sql:12:3: warning: [update-without-where]",
        "report.sql:15:76: warning: [order-by-random]",
        "lib/helpers.sql:2:39: error: [compare-to-null]",
      ], "\(result.stdout)")
    #expect(!result.stdout.contains("syntax-error"))
    #expect(result.stderr.contains("lib/helpers.sql:3:1: ../report.sql includes itself"), "\(result.stderr)")
    let plain = try runPGTuneQuery(["analyze", "--no-psql", "report.sql"], currentDirectory: Repository.path("Fixtures/psql"))
    #expect(plain.stdout.contains("report.sql:2:1: error: [syntax-error]"), "\(plain.stdout)")
    #expect(!plain.stdout.contains("lib/helpers.sql"))
  }

  @Test func skippedMetaCommandsAreListedWithVerbose() throws {
    let result = try runPGTuneQuery(["analyze", "--verbose", "report.sql"], currentDirectory: Repository.path("Fixtures/psql"))
    #expect(result.stderr.contains("report.sql: 3 psql meta-commands skipped (\\copy, \\echo, \\timing)"), "\(result.stderr)")
    let quiet = try runPGTuneQuery(["analyze", "report.sql"], currentDirectory: Repository.path("Fixtures/psql"))
    #expect(!quiet.stderr.contains("meta-commands skipped"))
  }
}
