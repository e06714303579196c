import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// Index advice end to end on the real PostgreSQL 15 with hypopg.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct IndexAdviceTests {
  static let database = Result { () throws -> TestDatabase in
    let database = try TestDatabase(name: "pgtq_cli_advice")
    try database.execute(try String(contentsOfFile: Repository.path("Fixtures/schemas/advisor.sql"), encoding: .utf8))
    return database
  }

  struct Suggestion: Decodable {
    let table: String
    let columns: [String]
    let include: [String]
    let `where`: String?
    let ddl: String
    let cost_before: Double
    let cost_after: Double?
    let savings_pct: Double?
    let verified: Bool
    let note: String?
  }

  struct Statement: Decodable {
    let index_suggestions: [Suggestion]
  }

  struct Report: Decodable {
    let statements: [Statement]
  }

  private func advice(_ sql: String, flags: [String] = []) throws -> [[Suggestion]] {
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", try Self.database.get().dsn, "--format", "json"] + flags + ["-"], stdin: Data(sql.utf8))
    #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
    return try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8)).statements.map(\.index_suggestions)
  }

  @Test func singleColumnEquality() throws {
    let found = try advice("SELECT id, total FROM orders WHERE product_id = 17")
    let suggestion = try #require(found[0].first)
    #expect(suggestion.table == "public.orders")
    #expect(suggestion.columns.first == "product_id")
    #expect(suggestion.verified)
    #expect((suggestion.savings_pct ?? 0) >= 30)
    #expect(suggestion.ddl.hasPrefix("CREATE INDEX CONCURRENTLY orders_product_id"))
  }

  @Test func equalityThenOrderWithLimit() throws {
    let found = try advice("SELECT id, total FROM orders WHERE product_id = 3 ORDER BY created_at DESC LIMIT 10")
    let suggestion = try #require(found[0].first)
    #expect(Array(suggestion.columns.prefix(2)) == ["product_id", "created_at"])
    #expect(suggestion.ddl.contains("(product_id, created_at DESC"))
  }

  @Test func expressionIndexAsWritten() throws {
    let found = try advice("SELECT id FROM customers WHERE lower(email) = 'user7@example.com'")
    #expect(found[0].first?.columns == ["lower(email)"])
    #expect(found[0].first?.ddl.contains("((lower(email)))") == true)
  }

  @Test func joinKeysAndWrites() throws {
    let found = try advice(
      """
      SELECT o.id FROM orders o JOIN order_events e ON e.order_id = o.id WHERE o.product_id = 5;
      UPDATE orders SET note = 'x' WHERE product_id = 9 AND status = 'new';
      DELETE FROM order_events WHERE happened_at < '2024-01-02'
      """)
    #expect(found[0].contains { $0.table == "public.orders" && $0.columns.first == "product_id" })
    #expect(found[1].contains { $0.table == "public.orders" && $0.columns.contains("product_id") })
    #expect(found[2].contains { $0.table == "public.order_events" && $0.columns == ["happened_at"] })
  }

  @Test func quotedMixedCaseNames() throws {
    let found = try advice("SELECT amount FROM \"Sales\".\"Deals\" WHERE \"Owner\" = 42")
    let suggestion = try #require(found[0].first)
    #expect(suggestion.table == "Sales.Deals")
    #expect(suggestion.columns.first == "Owner")
    #expect(suggestion.ddl.contains("ON \"Sales\".\"Deals\" USING btree (\"Owner\""))
  }

  @Test func partitionedTablesWithoutConcurrently() throws {
    let found = try advice("SELECT peak FROM measurements WHERE city_id = 12")
    let suggestion = try #require(found[0].first)
    #expect(suggestion.ddl.hasPrefix("CREATE INDEX measurements_city_id"))
    #expect(suggestion.note?.contains("partitioned") == true)
  }

  @Test func materializedViewsCanBeIndexed() throws {
    let found = try advice("SELECT total FROM customer_totals WHERE customer_id = 99")
    #expect(found[0].first?.table == "public.customer_totals")
  }

  @Test func parametersAreAdvisedOnGenericPlans() throws {
    let found = try advice("SELECT id FROM orders WHERE product_id = $1")
    #expect(found[0].first?.columns.first == "product_id")
  }

  /// No false alarms: no table, catalog only, already indexed, not selective, a view's base
  /// filter hidden behind a MATERIALIZED CTE, broken statements.
  @Test func noAdviceWhereNoneIsDue() throws {
    let found = try advice(
      """
      SELECT 1;
      SELECT relname FROM pg_class WHERE relname = 'orders';
      SELECT email FROM customers WHERE id = 5;
      SELECT id FROM orders WHERE customer_id = 8;
      SELECT id, email, name FROM customers WHERE country = 'DE';
      SELECT id FROM orders WHERE status IN ('new', 'paid', 'shipped');
      SELECT nope FROM orders WHERE product_id = 1;
      SELEC broken
      """)
    let ddl = found.map { $0.map(\.ddl) }
    #expect(found.allSatisfy { $0.isEmpty }, "\(ddl)")
  }

  @Test func cteFenceAndInlinedCTE() throws {
    let found = try advice(
      """
      WITH recent AS (SELECT * FROM orders) SELECT id FROM recent WHERE product_id = 4;
      WITH recent AS MATERIALIZED (SELECT * FROM orders WHERE product_id = 4) SELECT id FROM recent
      """)
    // Inlined: the CTE name is not a table, so the parse tree proposes nothing; the plan shows the
    // filter on orders, and that proposes the index.
    #expect(found[0].contains { $0.columns.first == "product_id" && $0.table == "public.orders" })
    #expect(found[1].contains { $0.columns.first == "product_id" })
  }

  @Test func minSavingsAndOptOut() throws {
    let sql = "SELECT id FROM orders WHERE product_id = 17"
    #expect(try advice(sql, flags: ["--min-savings", "100"])[0].isEmpty)
    #expect(try advice(sql, flags: ["--no-index-advice"])[0].isEmpty)
  }

  /// The proof: every suggestion, created for real in a copy, is used by the planner and lowers
  /// the cost about as much as hypopg said.
  @Test func suggestedIndexesWorkForReal() throws {
    let statements = [
      "SELECT id, total FROM orders WHERE product_id = 17",
      "SELECT id, total FROM orders WHERE product_id = 3 ORDER BY created_at DESC LIMIT 10",
      "SELECT id FROM customers WHERE lower(email) = 'user7@example.com'",
      "SELECT amount FROM \"Sales\".\"Deals\" WHERE \"Owner\" = 42",
      "SELECT order_id FROM order_events WHERE happened_at > '2024-02-01' AND happened_at < '2024-02-02'",
    ]
    let found = try advice(statements.joined(separator: ";\n"))
    let copy = try TestDatabase(name: "pgtq_cli_advice_real")
    try copy.execute(try String(contentsOfFile: Repository.path("Fixtures/schemas/advisor.sql"), encoding: .utf8))
    for (sql, suggestions) in zip(statements, found) {
      let suggestion = try #require(suggestions.first, "no suggestion for \(sql)")
      try copy.execute(suggestion.ddl)
      try copy.execute("ANALYZE")
      let plan = try copy.execute("EXPLAIN (FORMAT JSON) \(sql)").first?.first ?? nil
      let result = try #require(try ExplainResult.parseAll(plan ?? "").first)
      let name = suggestion.ddl.split(separator: " ")[3].replacingOccurrences(of: "\"", with: "")
      #expect(PlanSummary(result).indexesUsed.contains(name), "\(sql) does not use \(name)")
      #expect(result.plan.totalCost < suggestion.cost_before * 0.7, "\(sql): \(result.plan.totalCost)")
      // Hypothetical indexes have estimated sizes: the real saving must be at least half of the
      // reported one.
      let reported = suggestion.cost_before - (suggestion.cost_after ?? suggestion.cost_before)
      #expect(suggestion.cost_before - result.plan.totalCost >= reported / 2, "\(sql): hypopg said \(suggestion.cost_after ?? 0)")
    }
  }

  @Test func workloadMigration() throws {
    let sql = "SELECT id FROM orders WHERE product_id = 1;\nSELECT total FROM orders WHERE product_id = 2;\nSELECT id FROM customers WHERE lower(email) = 'x'"
    let result = try runPGTuneQuery(["analyze", "--dsn", try Self.database.get().dsn, "--format", "sql", "-"], stdin: Data(sql.utf8))
    let lines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("CREATE INDEX") }
    #expect(lines.count == 2)
    #expect(result.stdout.contains("-- serves: <stdin>:1:1, <stdin>:2:1"))
  }

  @Test func withoutHypopgSuggestionsAreHeuristic() throws {
    let database = try TestDatabase(name: "pgtq_cli_advice_nohypo")
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", database.dsn, "--format", "json", "-"], stdin: Data("SELECT id FROM orders WHERE product_id = 17".utf8))
    #expect(result.stderr.contains("hypopg is not installed in this database"))
    #expect(result.stdout.contains("\"verified\":false"))
    #expect(result.stdout.contains("\"cost_after\":null"))
    // --enable-hypopg is the one write the tool may do, and only when asked.
    let enabled = try runPGTuneQuery(
      ["analyze", "--dsn", database.dsn, "--enable-hypopg", "--format", "json", "-"],
      stdin: Data("SELECT id FROM orders WHERE product_id = 17".utf8))
    #expect(enabled.stdout.contains("\"verified\":true"))
    #expect(try database.execute("SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'") == [["1"]])
  }

  /// Rewrites are EXPLAINed: the cost change is shown, and a costlier rewrite is not offered —
  /// except a correctness fix.
  @Test func rewritesAreCosted() throws {
    let sql = """
      SELECT count(*) > 0 FROM orders WHERE product_id = 3;
      SELECT id FROM customers WHERE email = NULL;
      SELECT c.email FROM customers c, orders o WHERE o.customer_id = c.id AND o.id = 5
      """
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", try Self.database.get().dsn, "--no-index-advice", "--format", "json", "-"], stdin: Data(sql.utf8))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let statements = try #require(json["statements"] as? [[String: Any]])
    func rewrite(_ index: Int) -> [String: Any]? { (statements[index]["rewrites"] as? [[String: Any]])?.first }
    let exists = try #require(rewrite(0))
    #expect(exists["rule"] as? String == "count-for-existence")
    #expect((exists["cost_after"] as? Double ?? .infinity) < (exists["cost_before"] as? Double ?? 0))
    let null = try #require(rewrite(1))
    #expect(null["sql"] as? String == "SELECT id FROM customers WHERE email IS NULL")
    #expect((null["cost_after"] as? Double ?? 0) > (null["cost_before"] as? Double ?? 0))
    #expect(rewrite(2)?["sql"] as? String == "SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.id = 5")
  }
}
