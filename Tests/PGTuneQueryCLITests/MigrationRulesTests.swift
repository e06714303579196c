import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// A migration folder as teams keep it (`Fixtures/migrations/`): every finding of the migration
/// rules at its exact file:line:col, and nothing else — the safe file stays silent but for the
/// rename, which is informational.
@Suite struct MigrationRulesTests {
  @Test func migrationFolderFindingsAndPositions() throws {
    let result = try runPGTuneQuery(["analyze", "--quiet", Repository.path("Fixtures/migrations")])
    #expect(result.status == 1, "\(result.stderr)")
    let found = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.contains(": rewrite ") }.map { line in
      String(line.dropFirst(Repository.path("Fixtures/migrations").count + 1).prefix { $0 != "]" }) + "]"
    }
    #expect(
      found == [
        "20260101_add_billing.sql:3:1: warning: [ddl-without-lock-timeout]",
        "20260101_add_billing.sql:4:33: warning: [add-column-not-null-without-default]",
        "20260101_add_billing.sql:5:56: warning: [add-column-volatile-default]",
        "20260101_add_billing.sql:6:26: warning: [constraint-without-not-valid]",
        "20260101_add_billing.sql:7:1: error: [concurrently-in-transaction]",
        "20260101_add_billing.sql:8:1: warning: [column-type-change]",
        "20260102_safe.sql:6:1: info: [drop-or-rename]",
        // A function and a DO block in a migration: the statements inside at their positions;
        // lock_timeout is set, so the ALTER after them is quiet.
        "20260103_functions.sql:5:3: warning: [update-without-where]",
        "20260103_functions.sql:6:46: error: [compare-to-null]",
        "20260103_functions.sql:12:3: warning: [delete-without-where]",
      ], "\(result.stdout)")
  }

  /// The state a rule sees is what came before in the same file only: a SET lock_timeout or a
  /// CREATE TABLE in one file does not carry into the next.
  @Test func stateDoesNotCrossFiles() throws {
    let directory = NSTemporaryDirectory() + "pgtq-migrations-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "SET lock_timeout = '1s';\nCREATE TABLE t (a int);\n".write(toFile: directory + "/1.sql", atomically: true, encoding: .utf8)
    try "CREATE INDEX t_a ON t (a);\n".write(toFile: directory + "/2.sql", atomically: true, encoding: .utf8)
    let result = try runPGTuneQuery(["analyze", "--quiet", directory])
    #expect(result.stdout.contains("2.sql:1:1: warning: [ddl-without-lock-timeout]"), "\(result.stdout)")
    #expect(result.stdout.contains("2.sql:1:1: warning: [index-without-concurrently]"), "\(result.stdout)")
  }
}

extension MigrationRulesTests {
  /// With a database, the severity follows the table's size: an empty table is no risk, a small
  /// one is brief, a large one keeps the warning — and nothing is sent for the DDL itself.
  @Test(.enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
  func severityFollowsTheTableSize() throws {
    let database = try TestDatabase(name: "pgtq_cli_migration_sizes")
    try database.execute("CREATE TABLE IF NOT EXISTS empty_audit (id int, note text)")
    try database.execute("VACUUM ANALYZE")
    let before = try database.checksum()
    let sql = """
      SET lock_timeout = '2s';
      CREATE INDEX orders_status_idx ON orders (status);
      CREATE INDEX empty_audit_note_idx ON empty_audit (note);
      ALTER TABLE products ADD CONSTRAINT products_price_check CHECK (price >= 0);
      ALTER TABLE empty_audit ADD COLUMN region text NOT NULL;
      CREATE INDEX later_idx ON not_created_yet (a);
      """
    let result = try runPGTuneQuery(["analyze", "--dsn", database.dsn, "--quiet", "-"], stdin: Data(sql.utf8))
    let lines = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init)
    #expect(lines.contains { $0.hasPrefix("<stdin>:2:1: warning: [index-without-concurrently]") && $0.contains("(public.orders has ~200000 rows)") }, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("<stdin>:3:1: info: [index-without-concurrently]") && $0.contains("empty on this database: instant here") }, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("<stdin>:4:") && $0.contains("info: [constraint-without-not-valid]") && $0.contains("~2000 rows here") }, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("<stdin>:5:") && $0.contains("info: [add-column-not-null-without-default]") && $0.contains("fails where the table has rows") }, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("<stdin>:6:1: warning: [index-without-concurrently]") && !$0.contains("rows") }, "\(lines)")
    #expect(try database.checksum() == before, "DDL was sent to the database")
  }
}
