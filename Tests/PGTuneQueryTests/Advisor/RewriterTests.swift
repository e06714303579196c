import PGTuneQuery
import TestSupport
import Testing

/// Every rewrite proves itself: it is built on the tree, deparses, parses again, and its rule no
/// longer fires on it. Unsafe cases get no rewrite.
@Suite struct RewriterTests {
  static let catalog = CatalogFacts(
    serverVersion: 150_000, searchPath: ["public"], hypopgInstalled: false, hypopgAvailable: false,
    relations: [.init(schema: "public", name: "orders", rows: 200_000), .init(schema: "public", name: "customers", rows: 50_000)],
    indexes: [
      .init(schema: "public", table: "orders", name: "orders_pkey", definition: "", keys: ["id"], isUnique: true, isPrimary: true, predicate: nil)
    ],
    columns: [
      "public.orders": [.init(name: "id", type: "bigint", notNull: true), .init(name: "customer_id", type: "integer", notNull: true),
        .init(name: "status", type: "text", notNull: true)],
      "public.customers": [.init(name: "id", type: "integer", notNull: true), .init(name: "email", type: "text", notNull: false)],
    ])

  private func rewrites(_ sql: String, catalog: CatalogFacts? = nil, limit: Int? = nil) throws -> [Rewrite] {
    let statement = try #require(StatementParser.parse(sql: sql).first)
    let root = try #require(statement.root)
    let findings = Set(analyze(sql).statements.flatMap(\.findings).map(\.rule))
    return Rewriter.rewrites(for: root, findings: findings, catalog: catalog, options: .init(suggestLimit: limit))
  }

  @Test(arguments: [
    ("SELECT id FROM t WHERE a = NULL AND b <> NULL", "compare-to-null", "SELECT id FROM t WHERE a IS NULL AND b IS NOT NULL"),
    ("SELECT id FROM t WHERE s = 'a' OR s = 'b' OR s = $1", "or-to-in", "SELECT id FROM t WHERE s IN ('a', 'b', $1)"),
    ("SELECT count(*) > 0 FROM t WHERE a = 1", "count-for-existence", "SELECT EXISTS (SELECT 1 FROM t WHERE a = 1)"),
    ("SELECT 0 = count(*) FROM t WHERE a = 1", "count-for-existence", "SELECT NOT EXISTS (SELECT 1 FROM t WHERE a = 1)"),
    ("SELECT id FROM u WHERE (SELECT count(*) FROM t WHERE t.u = u.id) > 0", "count-for-existence",
      "SELECT id FROM u WHERE EXISTS (SELECT 1 FROM t WHERE t.u = u.id)"),
    ("SELECT id FROM customers c WHERE c.id NOT IN (SELECT customer_id FROM orders)", "not-in-subquery",
      "SELECT id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = c.id)"),
    ("SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)", "not-in-subquery",
      "SELECT id FROM customers WHERE NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = customers.id)"),
    ("SELECT a.x FROM a, b, c WHERE b.a_id = a.id AND c.b_id = b.id AND a.y > 1", "implicit-join",
      "SELECT a.x FROM a JOIN b ON b.a_id = a.id JOIN c ON c.b_id = b.id WHERE a.y > 1"),
  ])
  func rewritesOnTheTree(sql: String, rule: String, expected: String) throws {
    let found = try rewrites(sql)
    #expect(found.first { $0.rule == rule }?.sql == expected, "\(found)")
  }

  @Test func catalogBasedRewrites() throws {
    let star = try rewrites("SELECT * FROM orders WHERE id = 1", catalog: Self.catalog)
    #expect(star.first { $0.rule == "select-star" }?.sql == "SELECT id, customer_id, status FROM orders WHERE id = 1")
    let page = try rewrites("SELECT id FROM orders ORDER BY id DESC LIMIT 20 OFFSET 5000", catalog: Self.catalog)
    #expect(page.first { $0.rule == "large-offset" }?.sql == "SELECT id FROM orders WHERE id < $1 ORDER BY id DESC LIMIT 20")
    // Not a unique sort key: no keyset shape.
    #expect(try rewrites("SELECT id FROM orders ORDER BY status LIMIT 20 OFFSET 5000", catalog: Self.catalog).isEmpty)
  }

  @Test func notInCaveatDependsOnNullability() throws {
    let safe = try rewrites("SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)", catalog: Self.catalog)
    #expect(safe.first?.caveat == nil)
    let unknown = try rewrites("SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)")
    #expect(unknown.first?.caveat?.contains("NULL") == true)
  }

  @Test func unsafeOrUnprovableCasesGetNoRewrite() throws {
    // Unqualified outer column with two outer tables: cannot be qualified safely.
    #expect(try rewrites("SELECT 1 FROM a, b WHERE a.x = b.x AND y NOT IN (SELECT z FROM c)").allSatisfy { $0.rule != "not-in-subquery" })
    // UNION branches that may overlap stay UNION.
    #expect(try rewrites("SELECT id FROM t WHERE a = 1 UNION SELECT id FROM t WHERE b = 2").isEmpty)
    // Pinned to different constants, but the pinned column is not returned: rows can be equal.
    #expect(try rewrites("SELECT id FROM t WHERE s = 1 UNION SELECT id FROM t WHERE s = 2").isEmpty)
    // Disjoint, but each branch may return a row twice, which UNION removes (the reported bug:
    // with (1,10),(1,10),(2,20) UNION gives 2 rows, UNION ALL 3).
    #expect(try rewrites("SELECT k, v FROM dup WHERE k = 1 UNION SELECT k, v FROM dup WHERE k = 2").isEmpty)
    // Strings are distinct values only for text columns (a date column parses '2024-1-1' and '2024-01-01' alike).
    #expect(try rewrites("SELECT DISTINCT s FROM t WHERE s = '2024-1-1' UNION SELECT DISTINCT s FROM t WHERE s = '2024-01-01'").isEmpty)
  }

  @Test func unionAllOnlyWhenDisjointAndFreeOfDuplicates() throws {
    // DISTINCT branches pinned on a returned column: the same rows either way.
    #expect(try rewrites("SELECT DISTINCT k, v FROM dup WHERE k = 1 UNION SELECT DISTINCT k, v FROM dup WHERE k = 2").first?.sql
      == "SELECT DISTINCT k, v FROM dup WHERE k = 1 UNION ALL SELECT DISTINCT k, v FROM dup WHERE k = 2")
    // GROUP BY over returned columns cannot repeat a row either.
    #expect(try rewrites("SELECT k, v FROM dup WHERE k = 1 GROUP BY k, v UNION SELECT k, v FROM dup WHERE k = 2 GROUP BY k, v").first?.rule
      == "union-without-all")
    // With a catalog: a branch returning the primary key has no duplicates.
    #expect(try rewrites("SELECT id, status FROM orders WHERE status = 'new' UNION SELECT id, status FROM orders WHERE status = 'paid'", catalog: Self.catalog)
      .contains { $0.rule == "union-without-all" })
    // Without the key in the output, the primary key proves nothing.
    #expect(try rewrites("SELECT status FROM orders WHERE status = 'new' UNION SELECT status FROM orders WHERE status = 'paid'", catalog: Self.catalog)
      .allSatisfy { $0.rule != "union-without-all" })
    // Comma join without a condition for every table: nothing to move into ON.
    #expect(try rewrites("SELECT 1 FROM a, b WHERE a.x > 1").isEmpty)
  }

  @Test func suggestLimitIsOptIn() throws {
    #expect(try rewrites("SELECT id FROM orders").isEmpty)
    let limited = try rewrites("SELECT id FROM orders", limit: 500)
    #expect(limited.first?.sql == "SELECT id FROM orders LIMIT 500")
    #expect(limited.first?.caveat != nil)
  }

  @Test func analyzerAttachesRewritesOffline() throws {
    let file = analyze("SELECT id FROM t WHERE a = NULL;\nSELECT 1")
    #expect(file.statements[0].rewrites.map(\.rule) == ["compare-to-null"])
    #expect(file.statements[1].rewrites.isEmpty)
  }
}
