import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// `analyze --dsn` end to end against the real PostgreSQL 15 of the test harness.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct LiveAnalyzeTests {
  static let database = Result { try TestDatabase(name: "pgtq_cli_live") }

  private func dsn() throws -> String { try Self.database.get().dsn }

  /// The non-negotiable: hostile statements, analyzed every way, change nothing.
  @Test(arguments: [[], ["--analyze"], ["--analyze", "--allow-writes-in-rollback"], ["--jobs", "3", "--analyze"]])
  func hostileStatementsLeaveTheDatabaseIdentical(flags: [String]) throws {
    let database = try Self.database.get()
    try database.execute(try String(contentsOfFile: Repository.path("Fixtures/schemas/hostile.sql"), encoding: .utf8))
    let before = try database.checksum()
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", database.dsn, "--format", "json"] + flags + [Repository.path("Fixtures/sql/hostile.sql")])
    #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
    #expect(try database.checksum() == before, "\(flags) changed the database")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let statements = try #require(json?["statements"] as? [[String: Any]])
    func rules(_ index: Int) -> [String] {
      (statements[index]["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    }
    // DDL, utility and transaction control are never sent.
    #expect(rules(0).contains("not-explainable"))  // DROP TABLE
    #expect(rules(3).contains("not-explainable"))  // TRUNCATE
    #expect(rules(7).contains("not-explainable"))  // DO
    // DML gets a plan; with --analyze but without --allow-writes-in-rollback it is not run.
    #expect(statements[1]["plan"] is [String: Any])  // DELETE FROM orders
    if flags == ["--analyze"] { #expect(rules(1).contains("analyze-skipped")) }
    // With --allow-writes-in-rollback the DELETE really ran (and was rolled back: see checksum).
    let deletePlan = statements[1]["plan"] as? [String: Any]
    #expect(deletePlan?["analyzed"] as? Bool == flags.contains("--allow-writes-in-rollback"))
    // The volatility gate: what a rollback cannot undo is planned, never run, and the finding
    // names the function (or trigger) that stopped it.
    guard flags.contains("--analyze") else { return }
    func statement(containing text: String) -> [String: Any]? {
      statements.first { ($0["sql"] as? String)?.contains(text) == true }
    }
    func skipMessage(_ text: String) -> String? {
      (statement(containing: text)?["findings"] as? [[String: Any]] ?? [])
        .first { $0["rule"] as? String == "analyze-skipped" }?["message"] as? String
    }
    if flags.contains("--allow-writes-in-rollback") {
      #expect(skipMessage("INSERT INTO tickets (note)")?.contains("nextval()") == true)
      #expect(skipMessage("INSERT INTO tickets DEFAULT")?.contains("nextval()") == true)
      #expect(skipMessage("UPDATE audited")?.contains("trigger audited_bump") == true)
    }
    #expect(skipMessage("setval('invoice_numbers', 5000)")?.contains("setval()") == true)
    // A volatile SQL function is inlined into the plan: the gate sees the nextval inside it.
    let hidden = skipMessage("next_ticket_hint()") ?? ""
    #expect(hidden.contains("next_ticket_hint()") || hidden.contains("nextval()"), "\(hidden)")
    #expect(skipMessage("pg_stat_reset()")?.contains("pg_stat_reset()") == true)
    #expect(skipMessage("pg_reload_conf()")?.contains("pg_reload_conf()") == true)
    // random() is volatile but harmless: that statement really runs.
    #expect((statement(containing: "random() < 2")?["plan"] as? [String: Any])?["analyzed"] as? Bool == true)
  }

  @Test func plansAndPlanFindingsInJSON() throws {
    let sql = "SELECT id, total FROM orders WHERE status = 'cancelled';\nSELECT id FROM customers WHERE id = 7;\nCREATE TABLE x (a int)"
    let result = try runPGTuneQuery(["analyze", "--dsn", try dsn(), "--format", "json", "-"], stdin: Data(sql.utf8))
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let statements = try #require(json["statements"] as? [[String: Any]])
    let scan = try #require(statements[0]["plan"] as? [String: Any])
    #expect(scan["relations"] as? [String] == ["public.orders"])
    #expect(scan["node_types"] as? [String] == ["Seq Scan"])
    #expect((scan["total_cost"] as? Double ?? 0) > 1_000)
    #expect(scan["actual_total_time"] is NSNull)
    #expect((scan["tree"] as? [String: Any])?["Node Type"] as? String == "Seq Scan")
    let findings = statements[0]["findings"] as? [[String: Any]] ?? []
    #expect(findings.contains { $0["rule"] as? String == "seq-scan-large-table" })
    let lookup = try #require(statements[1]["plan"] as? [String: Any])
    #expect(lookup["indexes_used"] as? [String] == ["customers_pkey"])
    #expect(statements[2]["plan"] is NSNull)
    let pool = try #require((json["summary"] as? [String: Any])?["pool"] as? [String: Any])
    #expect(pool["queries"] as? Int == 2)
    #expect(pool["errors"] as? Int == 0)
  }

  @Test func parameterizedStatementsGetAGenericPlan() throws {
    let sql = "SELECT id FROM orders WHERE customer_id = $1 AND status = $2"
    let result = try runPGTuneQuery(["analyze", "--dsn", try dsn(), "--format", "json", "-"], stdin: Data(sql.utf8))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\"indexes_used\":[\"orders_customer_id_idx\"]"))
  }

  @Test func analyzeReportsActualRowsAndTimes() throws {
    let sql = "SELECT id FROM customers WHERE city_code = 7 AND zip_code = 7"
    let result = try runPGTuneQuery(["analyze", "--dsn", try dsn(), "--analyze", "--format", "json", "-"], stdin: Data(sql.utf8))
    #expect(result.stdout.contains("\"analyzed\":true"))
    #expect(result.stdout.contains("\"rule\":\"row-misestimate\""))
    #expect(!result.stdout.contains("\"actual_total_time\":null"))
  }

  @Test func explainErrorsAreFindingsAndTheRunGoesOn() throws {
    let sql = "SELECT nope FROM orders;\nSELECT id FROM customers WHERE id = 1"
    let result = try runPGTuneQuery(["analyze", "--dsn", try dsn(), "-"], stdin: Data(sql.utf8))
    #expect(result.status == 0)
    #expect(result.stdout.contains("<stdin>:1:1: warning: [explain-failed] EXPLAIN failed: column \"nope\" does not exist (SQLSTATE 42703)"))
    #expect(result.stdout.contains("<stdin>:2:1: plan: cost"))
  }

  @Test func statementTimeoutIsAFinding() throws {
    let sql = "SELECT pg_sleep(5);\nSELECT id FROM customers WHERE id = 1"
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", try dsn(), "--analyze", "--statement-timeout", "200ms", "-"], stdin: Data(sql.utf8))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("[explain-timeout] EXPLAIN was cancelled by statement_timeout (200 ms)"))
    #expect(result.stdout.contains("<stdin>:2:1: plan:"))
  }

  @Test func lockTimeoutIsAFinding() throws {
    let database = try Self.database.get()
    let holder = try PostgresConnection(conninfo: database.dsn)
    try holder.execute("BEGIN")
    try holder.execute("LOCK TABLE products IN ACCESS EXCLUSIVE MODE")
    defer { _ = try? holder.execute("ROLLBACK") }
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", database.dsn, "--lock-timeout", "300ms", "-"], stdin: Data("SELECT id FROM products".utf8))
    #expect(result.stdout.contains("[explain-timeout] EXPLAIN could not get a lock within lock_timeout (300 ms)"))
  }

  @Test func jobsKeepOrderAndResults() throws {
    // Earlier tests leave dead rows (their rolled-back writes): vacuum now, so that autovacuum
    // cannot change an index-only scan's estimate (the visibility map) between the two runs.
    try Self.database.get().execute("VACUUM (ANALYZE) order_events, orders, customers, products")
    let sql = (1...200).map { index in
      switch index % 4 {
      case 0: "SELECT id FROM orders WHERE customer_id = \(index)"
      case 1: "SELECT count(*) FROM order_events WHERE order_id = \(index)"
      case 2: "SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.id = \(index)"
      default: "UPDATE products SET price = price WHERE id = \(index)"
      }
    }.joined(separator: ";\n")
    func run(_ jobs: String) throws -> String {
      let result = try runPGTuneQuery(["analyze", "--dsn", try dsn(), "--jobs", jobs, "--format", "json", "-"], stdin: Data(sql.utf8))
      #expect(result.status == 0)
      // The pool statistics differ by design; everything before them must not.
      return result.stdout.components(separatedBy: ",\"pool\":").first ?? ""
    }
    let serial = try run("1")
    let parallel = try run("4")
    #expect(serial.count > 10_000)
    #expect(serial == parallel)
  }

  @Test func verbosePrintsPoolStatistics() throws {
    let result = try runPGTuneQuery(["analyze", "--dsn", try dsn(), "--verbose", "-"], stdin: Data("SELECT 1".utf8))
    // The connection that read the catalog is the one that EXPLAINs: one connection for --jobs 1.
    #expect(result.stderr.contains("pgtune-query: pool: 1 connections opened, 1 queries, 0 errors"))
  }
}

/// A database that is down, unreachable or goes away mid-run: exit status 3, one line, no hang.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct DatabaseFaultTests {
  @Test func serverDownExitsThreeWithOneLine() throws {
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", "host=127.0.0.1 port=\(TestServices.closedPort) user=app dbname=shop", "--connect-timeout", "3", "-"],
      stdin: Data("SELECT 1".utf8))
    #expect(result.status == 3)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(result.stderr.hasPrefix("pgtune-query: error: cannot connect to PostgreSQL (host 127.0.0.1, port 1, user app, database shop):"))
    #expect(result.stderr.contains("check that the server is running"))
  }

  @Test func passwordsAreNeverPrinted() throws {
    for dsn in ["postgresql://app:hunter2-secret@127.0.0.1:\(TestServices.closedPort)/shop",
      "host=127.0.0.1 port=\(TestServices.closedPort) password=hunter2-secret"]
    {
      let result = try runPGTuneQuery(["analyze", "--dsn", dsn, "--verbose", "-"], stdin: Data("SELECT 1".utf8))
      #expect(result.status == 3)
      #expect(!(result.stderr + result.stdout).contains("hunter2"))
    }
  }

  @Test func environmentVariablesAreUsed() throws {
    let dsn = TestServices.postgresDSN
    func value(_ key: String) -> String {
      dsn.split(separator: " ").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) } ?? ""
    }
    let environment = ["PGHOST": value("host"), "PGPORT": value("port"), "PGUSER": value("user"), "PGDATABASE": "postgres"]
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", "", "--format", "json", "-"], stdin: Data("SELECT 1".utf8), environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\"node_types\":[\"Result\"]"))
    let fromVariable = try runPGTuneQuery(
      ["analyze", "--format", "json", "-"], stdin: Data("SELECT 1".utf8), environment: ["PGTUNE_QUERY_DSN": dsn])
    #expect(fromVariable.stdout.contains("\"node_types\":[\"Result\"]"))
  }

  /// `pg_ctl stop -m immediate` while statements are being EXPLAIN ANALYZEd: what was done is
  /// printed, the rest are errors, exit status 3, and the run ends promptly.
  @Test(.enabled(if: ScratchPostgres.available && getuid() == 0, "needs root to run a scratch server"))
  func serverStoppedMidRun() throws {
    let server = try ScratchPostgres(port: 25_490)
    defer { server.stop() }
    let sql = (1...40).map { _ in "SELECT pg_sleep(0.1)" }.joined(separator: ";\n")
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", server.dsn, "--analyze", "--format", "json", "-"], stdin: Data(sql.utf8),
      whileRunning: {
        Thread.sleep(forTimeInterval: 1.5)
        try? server.crash()
      })
    #expect(result.status == 3)
    #expect(result.stderr.contains("the database connection was lost during the run"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let statements = try #require(json["statements"] as? [[String: Any]])
    #expect(statements.count == 40)
    let planned = statements.filter { $0["plan"] is [String: Any] }.count
    #expect(planned > 0 && planned < 40)
    let failed = statements.filter { ($0["findings"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "explain-failed" } }
    #expect(failed.count == 40 - planned)
  }
}

/// Size-aware severities and libpq connection features (service files).
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct LiveCatalogTests {
  @Test func selectStarOnSmallTablesIsInfo() throws {
    let database = try LiveAnalyzeTests.database.get()
    let sql = "SELECT * FROM products WHERE id < 500;\nSELECT * FROM orders WHERE id < 5000;\nSELECT * FROM orders WHERE id = 7"
    let result = try runPGTuneQuery(["analyze", "--dsn", database.dsn, "-"], stdin: Data(sql.utf8))
    #expect(result.stdout.contains("<stdin>:1:8: info: [select-star] SELECT * reads and returns every column (small tables only)"))
    // Over the 20,000-row orders table the plan confirms it, with the evidence.
    #expect(result.stdout.contains("<stdin>:2:8: warning: [select-star] SELECT * reads and returns every column (reads public.orders, ~"))
    // A primary-key lookup returns one row: `*` costs nothing there, whatever the table's size.
    #expect(result.stdout.contains("<stdin>:3:8: info: [select-star] SELECT * reads and returns every column (returns ~1 row)"))
    let strict = try runPGTuneQuery(["analyze", "--dsn", database.dsn, "--large-table-rows", "100", "-"], stdin: Data(sql.utf8))
    #expect(strict.stdout.contains("<stdin>:1:8: warning: [select-star]"))
  }

  @Test func serviceFilesWork() throws {
    let database = try LiveAnalyzeTests.database.get()
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-services-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: file) }
    let entries = database.dsn.split(separator: " ").joined(separator: "\n")
    try "[shop]\n\(entries)\n".write(to: file, atomically: true, encoding: .utf8)
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", "service=shop", "--format", "json", "-"], stdin: Data("SELECT id FROM products WHERE id = 1".utf8),
      environment: ["PGSERVICEFILE": file.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\"indexes_used\":[\"products_pkey\"]"))
  }
}
