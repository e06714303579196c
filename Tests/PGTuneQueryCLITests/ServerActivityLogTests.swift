import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The server's story from a log a real PostgreSQL 15 writes: connections and disconnections,
/// a checkpoint, autovacuum and autoanalyze of a table churned for it.
@Suite(.serialized, .enabled(if: ScratchPostgres.available, "PostgreSQL 15 binaries not installed"))
struct ServerActivityLogTests {
  @Test func connectionsCheckpointsAndAutovacuumFromARealServer() throws {
    let server = try ScratchPostgres(
      port: 25_494,
      settings: [
        "logging_collector=on", "log_directory=log", "log_filename='server.log'", "lc_messages=C",
        "log_line_prefix='%m [%p] %q%u@%d '", "log_connections=on", "log_disconnections=on", "log_checkpoints=on",
        "log_autovacuum_min_duration=0", "autovacuum_naptime=1", "log_min_duration_statement=0",
      ])
    defer { server.stop() }
    let admin = try PostgresConnection(conninfo: server.dsn)
    try admin.execute("CREATE DATABASE shop")
    admin.close()
    let shopDSN = server.dsn.replacingOccurrences(of: "dbname=postgres", with: "dbname=shop")
    let shop = try PostgresConnection(conninfo: shopDSN, applicationName: "churner")
    try shop.execute(
      "CREATE TABLE churn (id int PRIMARY KEY, note text) WITH (autovacuum_vacuum_threshold = 1, autovacuum_vacuum_scale_factor = 0, autovacuum_analyze_threshold = 1, autovacuum_analyze_scale_factor = 0, autovacuum_vacuum_insert_threshold = -1)")
    try shop.execute("INSERT INTO churn SELECT g, 'x' FROM generate_series(1, 5000) g")
    try shop.execute("DELETE FROM churn WHERE id % 2 = 0")
    _ = try shop.execute("SELECT count(*) FROM churn")
    try shop.execute("CHECKPOINT")
    shop.close()
    let log = "\(server.directory)/data/log/server.log"
    let vacuumed = waitUntil(timeout: 60, interval: 0.5) {
      let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      return text.contains("automatic vacuum of table \"shop.public.churn\"") && text.contains("automatic analyze of table \"shop.public.churn\"")
        && text.contains("checkpoint complete")
    }
    #expect(vacuumed, "no autovacuum of churn within 60 s")

    // Autovacuum keeps writing to the live log: the report and the expectations below read one
    // copy of it, cut after its last complete line.
    let live = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    let snapshot = "\(server.directory)/snapshot.log"
    try String(live[..<(live.lastIndex(of: "\n").map(live.index(after:)) ?? live.startIndex)])
      .write(toFile: snapshot, atomically: true, encoding: .utf8)
    let result = try runPGTuneQuery(["report", "--no-store", "--format", "json", snapshot])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let serverPart = try #require(json["server"] as? [String: Any])
    let connections = try #require(serverPart["connections"] as? [String: Any])
    #expect((connections["authorized"] as? Int ?? 0) >= 2)
    #expect((connections["by_application"] as? [String: Int])?["churner"] == 1, "\(connections)")
    #expect((connections["by_database"] as? [String: Int])?["shop"] ?? 0 >= 1)
    let sessions = try #require(serverPart["sessions"] as? [String: Any])
    #expect((sessions["ended"] as? Int ?? 0) >= 2)
    #expect((sessions["total_ms"] as? Double ?? 0) > 0)
    let checkpoints = try #require(serverPart["checkpoints"] as? [String: Any])
    #expect((checkpoints["completed"] as? Int ?? 0) >= 1)
    #expect((checkpoints["by_cause"] as? [String: Int])?.keys.contains { $0.contains("immediate") } == true, "\(checkpoints)")
    let vacuums = try #require(serverPart["autovacuum"] as? [[String: Any]])
    let churn = try #require(vacuums.first { $0["table"] as? String == "shop.public.churn" }, "\(vacuums)")
    let logged = ((try? String(contentsOfFile: snapshot, encoding: .utf8)) ?? "").components(separatedBy: "\n").filter {
      $0.contains("vacuum") || $0.contains("tuples:")
    }
    // Reading the table after the DELETE prunes most dead tuples before autovacuum comes.
    #expect((churn["removed_tuples"] as? Int ?? 0) > 0, "\(churn) \(logged)")
    // Aggressive runs (catalogs of template1 or postgres, whichever the server got to) are
    // autovacuum runs too: every table the log names in one is in the report.
    let aggressive = logged.filter { $0.contains("automatic aggressive vacuum") }.compactMap { line -> String? in
      guard let open = line.range(of: "of table \""), let close = line[open.upperBound...].firstIndex(of: "\"") else { return nil }
      return String(line[open.upperBound..<close])
    }
    let reported = Set(vacuums.compactMap { $0["table"] as? String })
    #expect(aggressive.allSatisfy(reported.contains), "aggressive: \(aggressive), reported: \(reported.sorted())")
    let analyzes = try #require(serverPart["autoanalyze"] as? [[String: Any]])
    #expect(analyzes.contains { $0["table"] as? String == "shop.public.churn" })
    let types = try #require(json["query_types"] as? [[String: Any]])
    #expect(types.contains { $0["type"] as? String == "DELETE" && $0["calls"] as? Int == 1 })
    #expect(types.contains { $0["type"] as? String == "DDL" })

    // The same log as HTML has a section for each.
    let page = try runPGTuneQuery(["report", "--no-store", "--format", "html", snapshot]).stdout
    for id in ["query-types", "connections", "checkpoints", "autovacuum", "autoanalyze"] {
      #expect(page.contains("<section id=\"\(id)\">"), "no \(id) section")
    }
  }
}
