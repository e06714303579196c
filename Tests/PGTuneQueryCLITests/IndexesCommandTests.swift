import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// `indexes` on the real server: each verdict on indexes made for it, what enforces something
/// left alone, the three formats, and not one change to the database.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct IndexesCommandTests {
  static let database = Result {
    let database = try TestDatabase(name: "pgtq_cli_indexes", schema: nil)
    try database.execute(
      """
      CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int, status text, created_at timestamptz, note text);
      INSERT INTO orders (customer_id, status, created_at)
        SELECT g % 1000, (ARRAY['a', 'b', 'c'])[1 + g % 3], now() - g * interval '1 min' FROM generate_series(1, 20000) g;
      CREATE INDEX orders_customer_idx ON orders (customer_id);
      CREATE INDEX orders_customer_idx2 ON orders (customer_id);
      CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);
      CREATE INDEX orders_status_idx ON orders (status);
      CREATE INDEX orders_id_idx ON orders (id);
      CREATE UNIQUE INDEX orders_customer_uq ON orders (customer_id) WHERE status = 'zzz';
      CREATE INDEX orders_lower_note ON orders (lower(note));
      CREATE INDEX orders_open_idx ON orders (created_at) WHERE status = 'a';
      """)
    // A failed concurrent build leaves an INVALID index behind.
    _ = try? database.execute("CREATE UNIQUE INDEX CONCURRENTLY orders_status_uq ON orders (status)")
    try database.execute(
      """
      SET enable_seqscan = off; SET enable_bitmapscan = off;
      SELECT count(*) FROM orders WHERE created_at > now() AND status = 'a';
      SELECT count(*) FROM orders WHERE customer_id = 3 AND created_at > now() - interval '1 day';
      """)
    // Index statistics reach the shared view when the session ends: wait for the scan to count.
    _ = try waitUntil(timeout: 15) {
      try database.execute(
        "SELECT count(*) FROM pg_stat_user_indexes WHERE indexrelname IN ('orders_open_idx', 'orders_customer_created_idx') AND idx_scan > 0"
      ).first?.first == "2"
    }
    return database
  }

  @Test func verdictsFormatsAndNoChange() throws {
    let database = try Self.database.get()
    let before = try database.checksum()
    let json = try runPGTuneQuery(["indexes", "--dsn", database.dsn, "--format", "json"])
    #expect(json.status == 0, "\(json.stderr)")
    let verdicts = try JSONValue.parse(json.stdout)["indexes"]?.array ?? []
    func verdict(_ name: String) -> (String?, String?) {
      let found = verdicts.first { $0["index"]?.string == "public.\(name)" }
      return (found?["verdict"]?.string, found?["covered_by"]?.string)
    }
    #expect(verdict("orders_status_uq").0 == "invalid")
    #expect(verdict("orders_id_idx") == ("duplicate", "public.orders_pkey"))
    #expect(verdict("orders_customer_idx") == ("redundant", "public.orders_customer_created_idx"))
    #expect(verdict("orders_customer_idx2") == ("redundant", "public.orders_customer_created_idx"))
    #expect(verdict("orders_status_idx").0 == "unused")
    // Enforcing, used, or not the same: left alone.
    for name in ["orders_pkey", "orders_customer_uq", "orders_customer_created_idx", "orders_open_idx"] {
      #expect(verdict(name).0 == nil, "\(name) was judged: \(verdict(name))")
    }
    let text = try runPGTuneQuery(["indexes", "--dsn", database.dsn])
    #expect(text.stdout.contains("redundant  public.orders_customer_idx "), "\(text.stdout)")
    let sql = try runPGTuneQuery(["indexes", "--dsn", database.dsn, "--format", "sql"])
    #expect(sql.stdout.contains("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_id_idx\";") || sql.stdout.contains("DROP INDEX CONCURRENTLY IF EXISTS public.orders_id_idx;"), "\(sql.stdout)")
    #expect(!sql.stdout.contains("orders_pkey;"))
    #expect(try database.checksum() == before)
  }

  @Test func unreachableServerAndMissingDSN() throws {
    let down = try runPGTuneQuery(["indexes", "--dsn", "host=127.0.0.1 port=\(TestServices.closedPort) dbname=x connect_timeout=2"])
    #expect(down.status == 3 && down.stderr.contains("cannot connect to PostgreSQL"), "\(down.stderr)")
    let none = try runPGTuneQuery(["indexes"], environment: ["PGTUNE_QUERY_DSN": ""])
    #expect(none.status != 0 || none.stderr.contains("cannot connect"))
    let typo = try runPGTuneQuery(["indexes", "--dsn", "host=x dbnam=y"])
    #expect(typo.status == 2)
  }
}
