import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// `report` on logs written by a real PostgreSQL 15 started for this suite: stderr with two
/// different `log_line_prefix` settings, csvlog and jsonlog of the same run, auto_explain plans
/// in text and JSON, errors, multi-line statements, the extended protocol, and log_statement +
/// log_duration pairs.
@Suite(.serialized, .enabled(if: ScratchPostgres.available, "PostgreSQL 15 binaries not installed"))
struct RealServerLogTests {
  /// The logs of one scripted session, written once for the whole suite.
  static let logs = Result { try ServerLogs.produce() }

  struct ServerLogs {
    let directory: String
    static let firstPrefix = "%m [%p] %q%u@%d "
    static let secondPrefix = "%t:%r:%u@%d:[%p]:app=%a "

    static func produce() throws -> ServerLogs {
      let server = try ScratchPostgres(
        port: 25_460 + Int(getpid() % 20),
        settings: [
          "logging_collector=on", "log_destination='stderr,csvlog,jsonlog'", "log_directory=log",
          "log_min_duration_statement=0", "lc_messages=C",
        ])
      defer { server.stop() }
      // The prefix and file name go through ALTER SYSTEM (a -c option could not be changed later).
      try switchLogs(server, prefix: firstPrefix, file: "first")
      let admin = try PostgresConnection(conninfo: server.dsn)
      try admin.execute("CREATE DATABASE shop")
      admin.close()
      let shop = try PostgresConnection(conninfo: server.dsn.replacingOccurrences(of: "dbname=postgres", with: "dbname=shop"))
      try shop.execute("CREATE TABLE orders (id int PRIMARY KEY, status text, total numeric)")
      try shop.execute("INSERT INTO orders SELECT g, CASE WHEN g % 10 = 0 THEN 'new' ELSE 'paid' END, g FROM generate_series(1, 20000) g")
      try shop.execute("ANALYZE orders")
      for id in 1...5 { _ = try shop.execute("SELECT total FROM orders WHERE id = \(id)") }
      _ = try shop.execute("SELECT status,\n       count(*)\nFROM orders\nGROUP BY status")
      _ = try? shop.execute("SELECT * FROM no_such_table")
      _ = try? shop.execute("SELECT 1 / 0")
      for id in 1...3 { _ = try shop.query("SELECT total FROM orders WHERE id = $1", parameters: [String(id)]) }
      // A sort that spills: a temporary file (log_temp_files).
      try shop.execute("SET log_temp_files = 0")
      try shop.execute("SET work_mem = '64kB'")
      _ = try shop.execute("SELECT id FROM orders ORDER BY total DESC, status")
      try shop.execute("RESET work_mem")
      // auto_explain, text then JSON.
      try shop.execute("LOAD 'auto_explain'")
      try shop.execute("SET auto_explain.log_min_duration = 0")
      try shop.execute("SET auto_explain.log_analyze = on")
      _ = try shop.execute("SELECT count(*) FROM orders WHERE status = 'new'")
      try shop.execute("SET auto_explain.log_format = 'json'")
      _ = try shop.execute("SELECT count(*) FROM orders WHERE total > 100")
      try shop.execute("SET auto_explain.log_min_duration = -1")
      // log_statement + log_duration instead of log_min_duration_statement.
      try shop.execute("SET log_min_duration_statement = -1")
      try shop.execute("SET log_statement = 'all'")
      try shop.execute("SET log_duration = on")
      _ = try shop.execute("SELECT max(total) FROM orders")
      shop.close()
      // A second file with another prefix.
      try switchLogs(server, prefix: secondPrefix, file: "second")
      let second = try PostgresConnection(
        conninfo: server.dsn.replacingOccurrences(of: "dbname=postgres", with: "dbname=shop"), applicationName: "billing")
      for id in 1...4 { _ = try second.execute("SELECT total FROM orders WHERE id = \(id)") }
      _ = try? second.execute("SELECT * FROM still_missing")
      second.close()
      // The logging collector writes asynchronously: wait until the last statement is in the file.
      let secondLog = "\(server.directory)/data/log/second"
      waitUntil { (try? String(contentsOfFile: secondLog, encoding: .utf8))?.contains("still_missing") == true }
      let target = NSTemporaryDirectory() + "pgtq-real-logs-\(getpid())"
      try? FileManager.default.removeItem(atPath: target)
      try runAndWait(["cp", "-r", "\(server.directory)/data/log", target])
      return ServerLogs(directory: target)
    }

    func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// New prefix and file name, then a rotation so the next lines go to the new file.
    static func switchLogs(_ server: ScratchPostgres, prefix: String, file: String) throws {
      let connection = try PostgresConnection(conninfo: server.dsn)
      defer { connection.close() }
      try connection.execute("ALTER SYSTEM SET log_line_prefix = '\(prefix)'")
      try connection.execute("ALTER SYSTEM SET log_filename = '\(file)'")
      _ = try connection.execute("SELECT pg_reload_conf()")
      // Reloading is asynchronous: poll until a new session sees the prefix, then rotate and poll
      // until the collector has opened the new file.
      waitUntil {
        let probe = try? PostgresConnection(conninfo: server.dsn)
        defer { probe?.close() }
        return (try? probe?.execute("SHOW log_line_prefix"))??.first?.first ?? nil == prefix
      }
      _ = try connection.execute("SELECT pg_rotate_logfile()")
      waitUntil { FileManager.default.fileExists(atPath: "\(server.directory)/data/log/\(file)") }
    }
  }

  private func report(_ file: String, _ extra: [String] = []) throws -> [String: Any] {
    let result = try runPGTuneQuery(["report", "--no-store", "--format", "json"] + extra + [file])
    #expect(result.status == 0, "\(file): \(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  }

  private func query(_ json: [String: Any], containing text: String) -> [String: Any]? {
    (json["queries"] as? [[String: Any]])?.first { ($0["query"] as? String ?? "").contains(text) }
  }

  @Test func theSameRunReadsAlikeInStderrCsvAndJson() throws {
    let logs = try Self.logs.get()
    let stderr = try report(logs.path("first"))
    let csv = try report(logs.path("first.csv"))
    let json = try report(logs.path("first.json"))
    for parsed in [stderr, csv, json] {
      let totals = try #require(parsed["totals"] as? [String: Any])
      #expect(totals["errors"] as? Int == 2)
      #expect(totals["plans"] as? Int == 2)
      // Five simple + three extended-protocol executions of one query, by fingerprint.
      #expect(query(parsed, containing: "FROM orders WHERE id = $1")?["calls"] as? Int == 8)
      // The multi-line statement, whole.
      #expect(query(parsed, containing: "GROUP BY status") != nil)
      // log_statement + log_duration pair.
      #expect(query(parsed, containing: "max(total)")?["calls"] as? Int == 1)
    }
    // The same totals for the workload's database. (Statements around the log switch in the
    // postgres database may land in one format's file and not another's: the formats rotate
    // separately.)
    let shopTotals = try ["first", "first.csv", "first.json"].map { file in
      try report(logs.path(file), ["--database", "shop"])["totals"] as? NSDictionary
    }
    #expect(shopTotals[0] == shopTotals[1] && shopTotals[1] == shopTotals[2], "\(shopTotals)")
    for parsed in [stderr, csv, json] {
      let spill = try #require(query(parsed, containing: "ORDER BY total DESC"))
      let files = try #require(spill["temp_files"] as? [String: Any])
      #expect((files["count"] as? Int ?? 0) >= 1)
      #expect((files["bytes"] as? Int ?? 0) > 100_000)
      #expect(((parsed["totals"] as? [String: Any])?["temp_files"] as? Int ?? 0) >= 1)
    }
    let byDatabase = try #require(stderr["by_database"] as? [[String: Any]])
    #expect(byDatabase.contains { $0["name"] as? String == "shop" })
  }

  @Test func autoExplainPlansAreCheckedInTextAndJSON() throws {
    let logs = try Self.logs.get()
    for file in ["first", "first.csv", "first.json"] {
      let parsed = try report(logs.path(file))
      let text = try #require(query(parsed, containing: "status = $1"), "\(file)")
      let json = try #require(query(parsed, containing: "total > $1"), "\(file)")
      for planned in [text, json] {
        let plans = try #require(planned["plans"] as? [String: Any])
        #expect(plans["count"] as? Int == 1)
        // Measured (log_analyze): the scan of orders has actual times.
        let seqScans = try #require(plans["seq_scan_ms"] as? [String: Double])
        #expect(seqScans.keys.contains("orders"))
        #expect(plans["seq_scan_measured"] as? Bool == true)
      }
    }
  }

  @Test func aSecondPrefixInTheSameSetupIsReadToo() throws {
    let logs = try Self.logs.get()
    for extra in [[], ["--prefix", ServerLogs.secondPrefix]] {
      let parsed = try report(logs.path("second"), extra)
      #expect(query(parsed, containing: "FROM orders WHERE id = $1")?["calls"] as? Int == 4)
      #expect((parsed["totals"] as? [String: Any])?["errors"] as? Int == 1)
      let users = try #require(parsed["by_user"] as? [[String: Any]])
      #expect(users.map { $0["name"] as? String } == ["postgres"])
      let applications = try #require(parsed["by_application"] as? [[String: Any]])
      #expect(applications.contains { $0["name"] as? String == "billing" && $0["calls"] as? Int == 4 })
    }
    // The first file with the right --prefix reads the same as without.
    let exact = try report(logs.path("first"), ["--prefix", ServerLogs.firstPrefix])
    let guessed = try report(logs.path("first"))
    #expect((exact["totals"] as? NSDictionary) == (guessed["totals"] as? NSDictionary))
  }

  @Test func gzippedAndSeveralFilesInParallel() throws {
    let logs = try Self.logs.get()
    try runAndWait(["sh", "-c", "gzip -kf '\(logs.path("first"))'"])
    let plain = try report(logs.path("first"))
    let gzipped = try report(logs.path("first.gz"))
    #expect((plain["totals"] as? NSDictionary) == (gzipped["totals"] as? NSDictionary))
    let both = try report(logs.path("first"), ["--jobs", "2", logs.path("second")])
    let totals = try #require(both["totals"] as? [String: Any])
    let second = try report(logs.path("second"))
    #expect(
      totals["queries"] as? Int
        == ((plain["totals"] as? [String: Any])?["queries"] as? Int ?? 0) + ((second["totals"] as? [String: Any])?["queries"] as? Int ?? 0))
  }
}
