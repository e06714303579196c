import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// SQL inside PL/pgSQL and SQL function bodies and DO blocks (`Fixtures/functions/`): each
/// finding at its own line and column inside the body; `n = NULL;` is an assignment, not a
/// comparison; an ignore comment before the function silences its body too.
@Suite struct FunctionBodyTests {
  static let path = Repository.path("Fixtures/functions/functions.sql")

  private func found(_ arguments: [String]) throws -> [String] {
    let result = try runPGTuneQuery(arguments)
    return result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") && $0.contains(": ") && !$0.contains("analyzed") }
      .map { String($0.dropFirst(Repository.path("Fixtures/functions").count + 1).prefix { $0 != "]" }) + "]" }
  }

  @Test func findingsInsideBodiesAtTheirPositions() throws {
    #expect(
      try found(["analyze", "--quiet", Self.path]) == [
        "functions.sql:5:3: warning: [update-without-where]",
        "functions.sql:6:13: error: [compare-to-null]",
        "functions.sql:7:8: error: [compare-to-null]",
        "functions.sql:8:5: warning: [delete-without-where]",
        "functions.sql:10:48: info: [leading-wildcard-like]",
        "functions.sql:18:3: warning: [delete-without-where]",
        "functions.sql:23:10: info: [select-star]",
        "functions.sql:23:42: error: [compare-to-null]",
        "functions.sql:27:15: warning: [delete-without-where]",
      ])
  }

  @Test func ignoreCommentCoversTheBody() throws {
    let sql = "-- pgtune-query: ignore delete-without-where\nDO $$ BEGIN DELETE FROM audit_log; END $$;\nDO $$ BEGIN DELETE FROM audit_log; END $$;\n"
    let result = try runPGTuneQuery(["analyze", "--quiet", "-"], stdin: Data(sql.utf8))
    #expect(result.stdout.split(separator: "\n").filter { $0.contains("[delete-without-where]") } == ["<stdin>:3:13: warning: [delete-without-where] DELETE without WHERE removes every row of the table"])
  }

  @Test func bodiesPlpgsqlCannotParseCostNothing() throws {
    let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN ( END $$;\nSELECT a FROM t WHERE b = NULL;\n"
    let result = try runPGTuneQuery(["analyze", "--quiet", "-"], stdin: Data(sql.utf8))
    #expect(result.stdout.contains("<stdin>:2:25: error: [compare-to-null]"), "\(result.stdout)")
  }
}
