import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// Findings a DBA keeps: each reproducer of the precision report, offline and against the shop
/// schema on the test PostgreSQL (customers: 50,000 rows, products: 2,000).
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct PrecisionTests {
  private func findings(_ sql: String, live: Bool) throws -> [[String: Any]] {
    var arguments = ["analyze", "--format", "json", "-"]
    if live { arguments += ["--dsn", try LiveAnalyzeTests.database.get().dsn] }
    let result = try runPGTuneQuery(arguments, stdin: Data(sql.utf8))
    #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
    #expect(!result.stderr.contains("connection failed"), "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let statements = try #require(json["statements"] as? [[String: Any]])
    return statements.flatMap { $0["findings"] as? [[String: Any]] ?? [] }
  }

  private func finding(_ rule: String, in found: [[String: Any]]) -> [String: Any]? {
    found.first { $0["rule"] as? String == rule }
  }

  /// `timestamptz::date = …`: a suspicion offline; confirmed by the plan's full scan of 50,000
  /// rows with a database; the advice is the sargable range, never an expression index that
  /// PostgreSQL refuses, and the failing hypothetical index no longer reads as "connection failed".
  @Test func castOfATimestamptzIsConfirmedAndAdvisedAsARange() throws {
    let sql = "SELECT id FROM customers WHERE created_at::date = '2024-01-05'"
    let offline = try #require(finding("function-on-indexable-column", in: try findings(sql, live: false)))
    #expect(offline["severity"] as? String == "info")
    #expect(offline["confirmed_by_plan"] is NSNull)
    #expect((offline["help"] as? String)?.contains("col >= '2024-05-24' AND col < '2024-05-25'") == true)
    let live = try findings(sql, live: true)
    let confirmed = try #require(finding("function-on-indexable-column", in: live))
    #expect(confirmed["severity"] as? String == "warning")
    #expect(confirmed["confirmed_by_plan"] as? Bool == true)
    #expect((confirmed["message"] as? String)?.contains("sequential scan of public.customers") == true)
    #expect(!live.contains { ($0["help"] as? String)?.contains("(created_at)::date") == true || ($0["help"] as? String)?.contains("(created_at::date)") == true })
  }

  /// `lower(email)` over a small table is dismissed by the plan, not warned about.
  @Test func smallTablesDismissTheSuspicion() throws {
    let found = try findings("SELECT id FROM products WHERE lower(name) = 'product 7'", live: true)
    let dismissed = try #require(finding("function-on-indexable-column", in: found))
    #expect(dismissed["severity"] as? String == "info")
    #expect(dismissed["confirmed_by_plan"] as? Bool == false)
  }

  /// A negated pattern is what a scan is for: no finding, and no trigram advice.
  @Test func notLikeIsNotReported() throws {
    #expect(finding("leading-wildcard-like", in: try findings("SELECT id FROM customers WHERE email NOT LIKE '%@example.com'", live: false)) == nil)
    let positive = try #require(finding("leading-wildcard-like", in: try findings("SELECT id FROM customers WHERE email LIKE '%@example.com'", live: true)))
    #expect(positive["confirmed_by_plan"] as? Bool == true)
  }

  /// An explicit CROSS JOIN says the product is meant.
  @Test func explicitCrossJoinIsIntent() throws {
    #expect(finding("cartesian-join", in: try findings("SELECT c.id, p.id FROM customers c CROSS JOIN products p WHERE c.id = 1", live: false)) == nil)
    let comma = try #require(finding("cartesian-join", in: try findings("SELECT c.id FROM customers c, products p", live: false)))
    #expect((comma["help"] as? String)?.contains("write CROSS JOIN if the product is intended") == true)
  }
  // Cheap primary-key probes in a nested loop: Fixtures/plans/08 is a non-triggering example of
  // nested-loop-large-outer (a real plan; SET is never sent, so no live statement could force one).
}
