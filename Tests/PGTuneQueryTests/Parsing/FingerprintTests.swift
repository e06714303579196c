import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// `StatementParser` takes the fingerprint from the same parse as the tree (one pass of the
/// grammar instead of two); it must be exactly what `pg_query_fingerprint` gives for the text.
@Suite struct FingerprintTests {
  /// Every statement of `path` that parses: the fingerprint of the one-parse path equals
  /// libpg_query's own. Returns how many were compared.
  private func compare(_ path: String) throws -> (checked: Int, mismatches: [String]) {
    let source = try SourceFile.read(path: path)
    var checked = 0
    var mismatches: [String] = []
    for range in StatementParser.split(source) {
      let statement = StatementParser.parse(source, range: range)
      let sql = String(decoding: source.bytes[range], as: UTF8.self)
      guard statement.error == nil else {
        #expect(statement.fingerprint == nil)
        continue
      }
      checked += 1
      let expected = try SQLText.fingerprint(sql)
      if statement.fingerprint != expected { mismatches.append("\(statement.fingerprint ?? "nil") ≠ \(expected): \(sql)") }
    }
    return (checked, mismatches)
  }

  @Test func fixturesMatchLibpgQuery() throws {
    for fixture in ["Fixtures/sql/hostile.sql", "Fixtures/sql/examples/shop.sql", "Fixtures/sql/examples/bad.sql"] {
      let (checked, mismatches) = try compare(Repository.path(fixture))
      #expect(checked > 0, "\(fixture)")
      #expect(mismatches.isEmpty, "\(fixture): \(mismatches.prefix(3))")
    }
  }

  /// The rules of libpg_query's walk that `QueryFingerprint` mirrors, each on a statement of its
  /// own, by the one-parse path and by piece; and the statements whose tree lacks a value the
  /// walk reads (`int[]`'s bound -1 is lost by the JSON), which libpg_query fingerprints instead.
  @Test func eachRuleOfTheWalkMatchesLibpgQuery() throws {
    let statements = [
      "SELECT DISTINCT a FROM t", "SELECT a AS x, b FROM t", "UPDATE t SET a = 1 RETURNING a AS x",
      "SELECT * FROM orders_2024_01 JOIN tmp9 USING (id)", "SELECT * FROM pg_temp.t1", "CREATE TEMP TABLE t12 (a int)",
      "SELECT '1'::int, $1::text, (a + 1)::text FROM t", "SELECT * FROM t WHERE a IN (1, 2, 3) AND b = ANY ($1)",
      "SELECT * FROM t WHERE a NOT IN (SELECT b FROM u)", "INSERT INTO t (b, a) VALUES (1, 2), (3, 4)",
      "SELECT f(b, a), f(a, b) FROM u, t", "CREATE ROLE r LOGIN NOSUPERUSER", "COPY t FROM stdin CSV FREEZE",
      "CREATE FUNCTION f(a int) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql", "DO $$ BEGIN PERFORM 1; END $$",
      "PREPARE p AS SELECT 1", "EXECUTE p", "DEALLOCATE p", "BEGIN ISOLATION LEVEL SERIALIZABLE", "SAVEPOINT s1",
      "DECLARE c CURSOR FOR SELECT 1", "FETCH 5 FROM c", "CLOSE c", "LISTEN ch", "NOTIFY ch, 'x'",
      "SELECT 1.5, B'101', x'1F', true, NULL", "SELECT a[1:2], (t).f, ROW(1, 2) FROM t", "VALUES (1), (1), (2)",
      "CREATE FOREIGN TABLE ft (a int) SERVER s", "CREATE TABLE a (x int[], y text[][])", "CREATE SEQUENCE s INCREMENT -1",
      "ALTER TABLE t ALTER COLUMN a SET STATISTICS -1", "SELECT * FROM t WHERE a = 'it''s' AND b = E'tab\\tnew\\nline'",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
      "SELECT count(*) FILTER (WHERE a > 0) OVER (PARTITION BY b ORDER BY c) FROM t GROUP BY GROUPING SETS ((a), ())",
      // Past 100 levels of nesting libpg_query's walk stops: a deep left-leaning sum, and a deep
      // nest of parenthesized subqueries.
      "SELECT " + (0..<300).map { "c\($0 % 5)" }.joined(separator: " + ") + " FROM t",
      String(repeating: "SELECT * FROM (", count: 60) + "SELECT a FROM t" + String(repeating: ") s", count: 60),
    ]
    for sql in statements {
      let expected = try SQLText.fingerprint(sql)
      let parsed = StatementParser.parse(sql: sql)
      #expect(parsed.count == 1 && parsed[0].fingerprint == expected, "\(sql)")
      let source = SourceFile(name: "<sql>", bytes: Array((sql + ";\n").utf8))
      let byPiece = StatementParser.parsePiece(source, range: 0..<source.bytes.count, into: [String?]()) {
        $0.append($1.fingerprint)
      }
      #expect((try? byPiece.get()) == [expected], "by piece: \(sql)")
    }
  }

  @Test func differsWithTheQueryAndNotWithConstants() throws {
    let parsed = StatementParser.parse(sql: "SELECT * FROM t WHERE id = 1; select * from t where id = 42; SELECT * FROM t WHERE other = 1")
    #expect(parsed.count == 3)
    #expect(parsed[0].fingerprint == parsed[1].fingerprint)
    #expect(parsed[0].fingerprint != parsed[2].fingerprint)
    #expect(parsed[0].fingerprint?.count == 16)
  }

  @Test(.enabled(if: Repository.shared != nil, "../shared/corpus is not present"))
  func corporaMatchLibpgQuery() throws {
    for name in ["corpus-pg15.sql", "corpus-adhoc.sql"] {
      let url = try #require(Repository.shared).appendingPathComponent("corpus/\(name)")
      let (checked, mismatches) = try compare(url.path)
      #expect(checked > 30_000, "\(name)")
      #expect(mismatches.isEmpty, "\(name): \(mismatches.count), e.g. \(mismatches.prefix(3))")
    }
  }
}
