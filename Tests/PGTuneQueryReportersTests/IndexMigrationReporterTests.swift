@testable import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// `--format sql`: the workload's suggestions as one migration, each index once (with every
/// statement it serves), ranked by total cost saved.
@Suite struct IndexMigrationReporterTests {
  static let orders = CatalogFacts.Relation(schema: "public", name: "orders", rows: 200_000)

  private func suggestion(_ column: String, before: Double, after: Double) -> IndexSuggestion {
    let candidate = IndexCandidate(relation: Self.orders, keys: [IndexKey(column: column)], reason: "test")
    return IndexSuggestion(
      candidate: candidate, name: "orders_\(column)_idx",
      ddl: "CREATE INDEX CONCURRENTLY orders_\(column)_idx ON public.orders USING btree (\(column));",
      costBefore: before, costAfter: after, verified: true, note: nil)
  }

  @Test func mergedAndRankedBySaving() throws {
    var file = analyze("SELECT id FROM orders WHERE status = 'new';\nSELECT id FROM orders WHERE customer_id = 7;\nSELECT id FROM orders WHERE status = 'paid'", name: "q.sql")
    file.statements[0].indexSuggestions = [suggestion("status", before: 4_000, after: 100)]
    file.statements[1].indexSuggestions = [suggestion("customer_id", before: 9_000, after: 50)]
    file.statements[2].indexSuggestions = [suggestion("status", before: 4_000, after: 300)]
    let sql = IndexMigrationReporter.render([file])
    #expect(snapshotMismatch(sql, fixture: "expected/reporters/index-migration.sql") == nil)
    let creates = sql.split(separator: "\n").filter { $0.hasPrefix("CREATE INDEX") }
    #expect(creates.count == 2)
    // customer_id saves 8,950; status saves 3,900 + 3,700 = 7,600: customer_id first.
    #expect(creates.first?.contains("customer_id") == true)
  }

  /// `(customer_id)` beside `(customer_id, created_at)`: one index is built, serving both
  /// statements; a different predicate or table keeps its own.
  @Test func prefixSuggestionsFoldIntoTheWiderOne() throws {
    var file = analyze("SELECT 1;\nSELECT 2;\nSELECT 3", name: "q.sql")
    let wide = IndexCandidate(relation: Self.orders, keys: [IndexKey(column: "customer_id"), IndexKey(column: "created_at")], reason: "wide")
    let partial = IndexCandidate(relation: Self.orders, keys: [IndexKey(column: "customer_id")], predicate: "status = 'open'", reason: "partial")
    file.statements[0].indexSuggestions = [suggestion("customer_id", before: 4_000, after: 100)]
    file.statements[1].indexSuggestions = [
      IndexSuggestion(candidate: wide, name: "orders_customer_id_created_at_idx", ddl: "CREATE INDEX CONCURRENTLY orders_customer_id_created_at_idx ON public.orders USING btree (customer_id, created_at);", costBefore: 5_000, costAfter: 60, verified: true, note: nil)
    ]
    file.statements[2].indexSuggestions = [
      IndexSuggestion(candidate: partial, name: "orders_customer_id_open_idx", ddl: "CREATE INDEX CONCURRENTLY orders_customer_id_open_idx ON public.orders USING btree (customer_id) WHERE status = 'open';", costBefore: 3_000, costAfter: 10, verified: true, note: nil)
    ]
    let merged = IndexMigrationReporter.merge([file])
    #expect(merged.map(\.suggestion.name) == ["orders_customer_id_created_at_idx", "orders_customer_id_open_idx"])
    #expect(merged[0].statements == ["q.sql:2:1", "q.sql:1:1"])
    #expect(merged[0].totalSaved == 4_940 + 3_900)
    #expect(merged[0].covers == ["orders_customer_id_idx"])
    let sql = IndexMigrationReporter.render([file])
    #expect(sql.split(separator: "\n").filter { $0.hasPrefix("CREATE INDEX") }.count == 2)
    #expect(sql.contains("-- also serves what orders_customer_id_idx was suggested for"))
  }
}
