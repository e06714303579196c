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
