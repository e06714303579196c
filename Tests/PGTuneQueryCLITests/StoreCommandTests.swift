import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The store from the command line, against the real PostgreSQL, Redis and Memcached of the
/// test harness: the analysis cache, history, `cache`, `warm` and `report --from-store`.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct StoreCommandTests {
  /// Analyzed once at the start, so autovacuum's own ANALYZE cannot change a table's signature
  /// between two runs of a test.
  static let database = Result {
    let database = try TestDatabase(name: "pgtq_cli_store")
    try database.execute("VACUUM ANALYZE")
    return database
  }

  let sql = """
    SELECT id, total FROM orders WHERE status = 'cancelled';
    SELECT id, name FROM products WHERE price > 400;
    SELECT c.name FROM customers c WHERE c.id = 7;
    CREATE TABLE not_sent (a int);
    """

  /// A fresh store file per test.
  static func storePath() -> String {
    let directory = "/tmp/pgtune-query-test/stores/\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/store.sqlite"
  }

  private func analyze(store: String, _ extra: [String] = [], sql: String? = nil) throws -> (CommandResult, [[String: Any]], [String: Any]) {
    let dsn = try Self.database.get().dsn
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", dsn, "--format", "json"] + extra + ["-"], stdin: Data((sql ?? self.sql).utf8),
      environment: ["PGTUNE_QUERY_STORE": store])
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    return (result, json["statements"] as? [[String: Any]] ?? [], json["summary"] as? [String: Any] ?? [:])
  }

  private func cacheStates(_ statements: [[String: Any]]) -> [String] {
    statements.map { $0["cache"] as? String ?? "-" }
  }

  /// Everything but the cache markers and pool counters, for comparing two runs.
  private func withoutCacheMarkers(_ statements: [[String: Any]]) -> NSArray {
    statements.map { statement -> NSDictionary in
      var copy = statement
      copy["cache"] = nil
      return copy as NSDictionary
    } as NSArray
  }

  @Test func aSecondRunIsAllHitsWithTheSameResults() throws {
    let store = Self.storePath()
    let (first, cold, coldSummary) = try analyze(store: store)
    #expect(first.status == 0 || first.status == 1, "\(first.stderr)")
    #expect(cacheStates(cold) == ["miss", "miss", "miss", "-"])
    #expect((coldSummary["cache"] as? [String: Int]) == ["hits": 0, "misses": 3])
    let (_, warm, warmSummary) = try analyze(store: store)
    #expect(cacheStates(warm) == ["hit", "hit", "hit", "-"])
    #expect((warmSummary["cache"] as? [String: Int]) == ["hits": 3, "misses": 0])
    #expect(withoutCacheMarkers(cold) == withoutCacheMarkers(warm))
    // A hit sends no EXPLAIN: the pool ran no statement.
    #expect((warmSummary["pool"] as? [String: Any])?["queries"] as? Int == 0)
  }

  @Test func aTableThatChangedIsAMissTheOthersStayHits() throws {
    let database = try Self.database.get()
    let store = Self.storePath()
    _ = try analyze(store: store)
    // VACUUM too, so that autovacuum finds nothing to do on products later in the test (it would
    // update relpages/reltuples, and so the signature, at a moment of its choosing).
    try database.execute("UPDATE products SET price = price WHERE id <= 500")
    try database.execute("VACUUM ANALYZE products")
    let (_, statements, _) = try analyze(store: store)
    #expect(cacheStates(statements) == ["hit", "miss", "hit", "-"])
    // A new index is part of the signature as well.
    try database.execute("CREATE INDEX customers_name_test ON customers (name)")
    defer { _ = try? database.execute("DROP INDEX customers_name_test") }
    let (_, again, _) = try analyze(store: store)
    #expect(cacheStates(again) == ["hit", "hit", "miss", "-"])
  }

  @Test func noCacheAnalyzesAfreshAndNoStoreStoresNothing() throws {
    let store = Self.storePath()
    _ = try analyze(store: store)
    let (_, fresh, _) = try analyze(store: store, ["--no-cache"])
    #expect(cacheStates(fresh) == ["miss", "miss", "miss", "-"])
    let other = Self.storePath()
    let (_, none, summary) = try analyze(store: other, ["--no-store"])
    #expect(cacheStates(none) == ["-", "-", "-", "-"])
    #expect(summary["cache"] == nil)
    #expect(!FileManager.default.fileExists(atPath: other))
  }

  @Test func aCorruptStoreFileIsMovedAsideWithAWarning() throws {
    let store = Self.storePath()
    try Data("definitely not a database\n".utf8 + Data(repeating: 0x42, count: 4_096)).write(to: URL(fileURLWithPath: store))
    let (result, statements, _) = try analyze(store: store)
    #expect(result.status == 0 || result.status == 1)
    #expect(result.stderr.contains("warning: store \(store) was unusable"))
    #expect(result.stderr.contains(".corrupt-"))
    #expect(cacheStates(statements) == ["miss", "miss", "miss", "-"])
    let (_, again, _) = try analyze(store: store)
    #expect(cacheStates(again) == ["hit", "hit", "hit", "-"])
  }

  @Test func aSharedTierThatIsDownIsAWarningAndChangesNoResult() throws {
    let store = Self.storePath()
    let (_, plain, _) = try analyze(store: Self.storePath())
    for url in ["redis://127.0.0.1:\(TestServices.closedPort)/0", "memcached://127.0.0.1:\(TestServices.closedPort)"] {
      let started = Date()
      let (result, statements, _) = try analyze(store: store, ["--store", url, "--no-cache"])
      #expect(result.status == 0 || result.status == 1)
      #expect(Date().timeIntervalSince(started) < 10)
      let warnings = result.stderr.split(separator: "\n").filter { $0.contains("warning: store tier") }
      #expect(warnings.count == 1, "\(result.stderr)")
      #expect(withoutCacheMarkers(statements) == withoutCacheMarkers(plain))
    }
  }

  @Test func aBadStoreURLIsAUsageError() throws {
    let result = try runPGTuneQuery(["analyze", "--store", "postgres://x", "-"], stdin: Data("SELECT 1".utf8))
    #expect(result.status == 2)
    #expect(result.stderr.contains("unknown store"))
  }

  @Test(.enabled(if: TestServices.redisEnabled, "Redis test server not running (make test starts it)"))
  func twoMachinesSharingRedisTheSecondIsAllHits() throws {
    let redis = TestServices.redisURL.replacingOccurrences(of: "/0", with: "/3")
    _ = try RedisTier(url: redis).clear(namespace: nil)
    let (_, machineA, _) = try analyze(store: Self.storePath(), ["--store", redis])
    #expect(cacheStates(machineA) == ["miss", "miss", "miss", "-"])
    let (_, machineB, _) = try analyze(store: Self.storePath(), ["--store", redis])
    #expect(cacheStates(machineB) == ["hit", "hit", "hit", "-"])
    #expect(withoutCacheMarkers(machineA) == withoutCacheMarkers(machineB))
  }

  /// Two projects on one Redis, each with its namespace and a Redis ACL user limited to it
  /// (`~pgtq@team-a:*`, as SECURITY.md advises): each sees only its own entries, and a project
  /// that names the other's namespace is refused by Redis — a warning, and the run goes on
  /// without the tier with the same results.
  @Test(.enabled(if: TestServices.redisEnabled, "Redis test server not running (make test starts it)"))
  func projectsSharingRedisStayApart() throws {
    let port = URLComponents(string: TestServices.redisURL)?.port ?? 56379
    for team in ["a", "b"] {
      let acl = try runShell(
        "redis-cli -p \(port) ACL SETUSER pgtq-team-\(team) reset on '>secret-\(team)' '~pgtq@team-\(team):*' +@all")
      #expect(acl.stdout.contains("OK"), "\(acl.stdout)\(acl.stderr)")
    }
    func url(_ team: String) -> String { "redis://pgtq-team-\(team):secret-\(team)@127.0.0.1:\(port)/5" }
    let unique = "SELECT id FROM products WHERE id = 3 AND name <> '\(UUID().uuidString)';"
    let (_, teamA, _) = try analyze(store: Self.storePath(), ["--store", url("a"), "--store-namespace", "team-a"], sql: unique)
    #expect(cacheStates(teamA) == ["miss"])
    let (_, teamAAgain, _) = try analyze(store: Self.storePath(), ["--store", url("a"), "--store-namespace", "team-a"], sql: unique)
    #expect(cacheStates(teamAAgain) == ["hit"])
    // Team B has its own keyspace: nothing of team A's is visible there.
    let (_, teamB, _) = try analyze(store: Self.storePath(), ["--store", url("b"), "--store-namespace", "team-b"], sql: unique)
    #expect(cacheStates(teamB) == ["miss"])
    // Team B's credentials on team A's namespace: Redis refuses every key.
    let (intruder, intruding, _) = try analyze(
      store: Self.storePath(), ["--store", url("b"), "--store-namespace", "team-a"], sql: unique)
    #expect(cacheStates(intruding) == ["miss"])
    #expect(intruder.stderr.contains("NOPERM"), "\(intruder.stderr)")
    #expect(!intruder.stderr.contains("secret-b"), "\(intruder.stderr)")
    #expect(withoutCacheMarkers(teamA) == withoutCacheMarkers(intruding))
    let badName = try runPGTuneQuery(["cache", "stats", "--store-namespace", "a:b"])
    #expect(badName.status == 2 && badName.stderr.contains("store namespace 'a:b'"), "\(badName.stderr)")
  }

  @Test(.enabled(if: TestServices.memcachedEnabled, "Memcached test server not running (make test starts it)"))
  func twoMachinesSharingMemcachedTheSecondIsAllHits() throws {
    let unique = "SELECT id FROM products WHERE id = \(Int.random(in: 1...2_000)) AND name <> '\(UUID().uuidString)';"
    let (_, machineA, _) = try analyze(store: Self.storePath(), ["--store", TestServices.memcachedURL], sql: unique)
    #expect(cacheStates(machineA) == ["miss"])
    let (_, machineB, _) = try analyze(store: Self.storePath(), ["--store", TestServices.memcachedURL], sql: unique)
    #expect(cacheStates(machineB) == ["hit"])
  }

  @Test func twoRunsAtOnceShareOneFile() throws {
    let store = Self.storePath()
    let dsn = try Self.database.get().dsn
    let results = ReadBoxes(count: 2)
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      results.set(
        index,
        try? runPGTuneQuery(
          ["analyze", "--dsn", dsn, "--format", "json", "-"], stdin: Data(sql.utf8),
          environment: ["PGTUNE_QUERY_STORE": store]))
    }
    for result in results.all {
      #expect(result?.status == 0 || result?.status == 1)
      #expect(result?.stderr.contains("warning: store") == false, "\(result?.stderr ?? "")")
    }
    let (_, third, _) = try analyze(store: store)
    #expect(cacheStates(third) == ["hit", "hit", "hit", "-"])
  }

  @Test func historyShowsEachRunAndPlanChanges() throws {
    let database = try Self.database.get()
    let store = Self.storePath()
    let query = "SELECT id FROM customers WHERE zip_code = 123;"
    _ = try analyze(store: store, sql: query)
    try database.execute("CREATE INDEX customers_zip_test ON customers (zip_code)")
    defer { _ = try? database.execute("DROP INDEX customers_zip_test") }
    _ = try analyze(store: store, sql: query)
    let result = try runPGTuneQuery(["history", "--format", "json"], environment: ["PGTUNE_QUERY_STORE": store])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let queries = try #require(json["queries"] as? [[String: Any]])
    #expect(queries.count == 1)
    #expect(queries[0]["runs"] as? Int == 2)
    #expect(queries[0]["plan_changes"] as? Int == 1)
    #expect((queries[0]["cost_change"] as? Double ?? 0) < -0.5)
    let entries = try #require(queries[0]["entries"] as? [[String: Any]])
    #expect(entries.last?["indexes"] as? [String] == ["customers_zip_test"])
    let fingerprint = try #require(queries[0]["fingerprint"] as? String)
    let text = try runPGTuneQuery(["history", String(fingerprint.prefix(6))], environment: ["PGTUNE_QUERY_STORE": store])
    #expect(text.stdout.contains("(changed)"))
    #expect(text.stdout.contains("cost  "))
    let unknown = try runPGTuneQuery(["history", "ffffffffffff"], environment: ["PGTUNE_QUERY_STORE": store])
    // An unknown query is an answer (nothing recorded), not a failure: exit 0 with a note.
    #expect(unknown.status == 0)
    #expect(unknown.stderr.contains("no history for fingerprint ffffffffffff"))
  }

  @Test func cacheStatsClearAndVacuum() throws {
    let store = Self.storePath()
    _ = try analyze(store: store)
    _ = try analyze(store: store)
    let stats = try runPGTuneQuery(["cache", "stats", "--format", "json"], environment: ["PGTUNE_QUERY_STORE": store])
    #expect(stats.status == 0, "\(stats.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
    let tiers = try #require(json["tiers"] as? [[String: Any]])
    #expect(tiers.map { $0["tier"] as? String } == ["memory", "sqlite"])
    let sqlite = tiers[1]
    #expect(sqlite["hits"] as? Int == 3)
    #expect(sqlite["misses"] as? Int == 3)
    #expect((sqlite["entries"] as? Int ?? 0) >= 3)
    #expect((sqlite["mean_latency_us"] as? Double ?? 0) > 0)
    let text = try runPGTuneQuery(["cache", "stats"], environment: ["PGTUNE_QUERY_STORE": store])
    #expect(text.stdout.contains("HIT %"))
    let clear = try runPGTuneQuery(["cache", "clear", "--namespace", "analysis"], environment: ["PGTUNE_QUERY_STORE": store])
    #expect(clear.status == 0)
    let (_, after, _) = try analyze(store: store)
    #expect(cacheStates(after) == ["miss", "miss", "miss", "-"])
    let vacuum = try runPGTuneQuery(["cache", "vacuum"], environment: ["PGTUNE_QUERY_STORE": store])
    #expect(vacuum.status == 0)
    #expect(vacuum.stdout.contains("sqlite"))
  }

  static let log = """
    2024-05-01 10:00:00.100 UTC [100] app@shop LOG:  duration: 250.5 ms  statement: SELECT id, total FROM orders WHERE status = 'cancelled'
    2024-05-01 10:00:01.100 UTC [100] app@shop LOG:  duration: 120.5 ms  statement: SELECT id, total FROM orders WHERE status = 'new'
    2024-05-01 10:00:02.100 UTC [101] app@shop LOG:  duration: 90.0 ms  statement: SELECT id, name FROM products WHERE price > 400
    2024-05-01 10:00:03.100 UTC [101] app@shop LOG:  duration: 5.0 ms  statement: SELECT c.name FROM customers c WHERE c.id = 7

    """

  @Test func warmFromStoredReportsThenAnalyzeIsAllHits() throws {
    let store = Self.storePath()
    let dsn = try Self.database.get().dsn
    let report = try runPGTuneQuery(["report", "--format", "json"], stdin: Data(Self.log.utf8), environment: ["PGTUNE_QUERY_STORE": store])
    #expect(report.status == 0, "\(report.stderr)")
    let warm = try runPGTuneQuery(["warm", "--dsn", dsn, "--top", "2"], environment: ["PGTUNE_QUERY_STORE": store])
    #expect(warm.status == 0, "\(warm.stderr)")
    #expect(warm.stdout.hasPrefix("warmed 2 queries: 2 analyzed, 0 already fresh"))
    // Priority is calls x mean: orders (371 ms in all) before products (90 ms).
    let lines = warm.stdout.split(separator: "\n")
    #expect(lines[1].contains("FROM orders") && lines[2].contains("FROM products"))
    let (_, statements, _) = try analyze(store: store)
    #expect(cacheStates(statements) == ["hit", "hit", "miss", "-"])
    let again = try runPGTuneQuery(["warm", "--dsn", dsn, "--top", "3"], environment: ["PGTUNE_QUERY_STORE": store])
    #expect(again.stdout.hasPrefix("warmed 3 queries: 0 analyzed, 3 already fresh"))
    // check reuses what analyze stored.
    let baseline = NSTemporaryDirectory() + "pgtq-warm-\(UUID().uuidString).json"
    _ = try runPGTuneQuery(
      ["check", "--dsn", dsn, "--baseline", baseline, "--update-baseline", "-"], stdin: Data(sql.utf8),
      environment: ["PGTUNE_QUERY_STORE": store])
    let check = try runPGTuneQuery(
      ["check", "--dsn", dsn, "--baseline", baseline, "--format", "json", "-"], stdin: Data(sql.utf8),
      environment: ["PGTUNE_QUERY_STORE": store])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
    #expect((json["summary"] as? [String: Any])?["cache"] as? [String: Int] == ["hits": 3, "misses": 0])
  }

  @Test func warmSkipsWhatCannotBeExplainedAndMultiStatementSamples() throws {
    let log = Self.log + """
      2024-05-01 10:00:04.100 UTC [102] app@shop LOG:  duration: 9000.0 ms  statement: CREATE INDEX CONCURRENTLY x ON orders (status)
      2024-05-01 10:00:05.100 UTC [102] app@shop LOG:  duration: 8000.0 ms  statement: SELECT 1; SELECT 2

      """
    let store = Self.storePath()
    let warm = try runPGTuneQuery(
      ["warm", "--dsn", try Self.database.get().dsn, "-"], stdin: Data(log.utf8), environment: ["PGTUNE_QUERY_STORE": store])
    #expect(warm.status == 0, "\(warm.stderr)")
    let lines = warm.stdout.split(separator: "\n")
    // The DDL is the costliest: listed first, never sent; the two-statement sample is left out.
    // The totals add up to the queries chosen.
    #expect(lines.first == "warmed 4 queries: 3 analyzed, 0 already fresh, 1 not sent (not a plannable statement)")
    #expect(lines[1].hasPrefix("  not sent") && lines[1].contains("CREATE INDEX"))
    #expect(!warm.stdout.contains("SELECT 1; SELECT 2"))
  }

  @Test func warmFromALogOnStdinAndADatabaseThatIsDown() throws {
    let store = Self.storePath()
    let dsn = try Self.database.get().dsn
    let warm = try runPGTuneQuery(["warm", "--dsn", dsn, "-"], stdin: Data(Self.log.utf8), environment: ["PGTUNE_QUERY_STORE": store])
    #expect(warm.stdout.hasPrefix("warmed 3 queries: 3 analyzed"), "\(warm.stderr)")
    let down = try runPGTuneQuery(
      ["warm", "--dsn", "host=127.0.0.1 port=\(TestServices.closedPort) user=postgres connect_timeout=2", "--retries", "1", "-"],
      stdin: Data(Self.log.utf8), environment: ["PGTUNE_QUERY_STORE": store])
    #expect(down.status == 3)
    #expect(down.stderr.contains("retry 1 of 1"))
    #expect(down.stderr.contains("cannot connect to PostgreSQL"))
  }

  @Test(.enabled(if: TestServices.redisEnabled, "Redis test server not running (make test starts it)"))
  func reportRunsFromTwoMachinesMakeOneFleetReport() throws {
    let redis = TestServices.redisURL.replacingOccurrences(of: "/0", with: "/4")
    _ = try RedisTier(url: redis).clear(namespace: nil)
    for _ in 0..<2 {
      let run = try runPGTuneQuery(
        ["report", "--store", redis, "--format", "json"], stdin: Data(Self.log.utf8),
        environment: ["PGTUNE_QUERY_STORE": Self.storePath()])
      #expect(run.status == 0, "\(run.stderr)")
    }
    let fleet = try runPGTuneQuery(
      ["report", "--from-store", "--store", redis, "--format", "json"], environment: ["PGTUNE_QUERY_STORE": Self.storePath()])
    #expect(fleet.status == 0, "\(fleet.stderr)")
    #expect(fleet.stderr.contains("merged 2 stored report runs"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(fleet.stdout.utf8)) as? [String: Any])
    #expect((json["totals"] as? [String: Any])?["queries"] as? Int == 8)
    let queries = try #require(json["queries"] as? [[String: Any]])
    let orders = queries.first { ($0["query"] as? String ?? "").contains("FROM orders") }
    #expect(orders?["calls"] as? Int == 4)
    #expect(orders?["max_ms"] as? Double == 250.5)
    let empty = try runPGTuneQuery(["report", "--from-store"], environment: ["PGTUNE_QUERY_STORE": Self.storePath()])
    #expect(empty.status == 4)
    // --since selects runs by when they were recorded.
    let future = try runPGTuneQuery(
      ["report", "--from-store", "--store", redis, "--since", "2999-01-01"], environment: ["PGTUNE_QUERY_STORE": Self.storePath()])
    #expect(future.status == 4)
    let badDate = try runPGTuneQuery(["report", "--from-store", "--since", "yesterday"])
    #expect(badDate.status == 2)
  }
}

/// Results of parallel runs, one slot each.
final class ReadBoxes: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [CommandResult?]

  init(count: Int) { values = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: CommandResult?) {
    lock.lock()
    values[index] = value
    lock.unlock()
  }

  var all: [CommandResult?] {
    lock.lock()
    defer { lock.unlock() }
    return values
  }
}
