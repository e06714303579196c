import Foundation
@testable import PGTuneQuery
import Testing

/// What `warm` leaves out: queries that read only the system catalogs (the tool's own catalog
/// reads among them) say nothing about the workload.
struct WarmPlanTests {
  @Test(arguments: [
    ("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace", true),
    ("SELECT * FROM information_schema.columns WHERE table_name = 'orders'", true),
    ("SELECT relname, n_live_tup FROM pg_stat_user_tables", true),
    ("SELECT o.id FROM orders o JOIN pg_catalog.pg_class c ON c.relname = 'orders'", false),
    ("SELECT id FROM orders WHERE customer_id = 1", false),
    ("SELECT 1", false),
    ("WITH pg_x AS (SELECT 1) SELECT * FROM pg_x", false),
  ])
  func catalogOnlyQueries(sql: String, catalogOnly: Bool) throws {
    let root = try #require(StatementParser.parse(sql: sql).first?.root)
    #expect(WarmPlan.readsOnlyCatalogs(root) == catalogOnly, "\(sql)")
  }
}
