import PGTuneQuery
import Testing

@Suite struct SQLTextTests {
  @Test func fingerprintIgnoresConstants() throws {
    let first = try SQLText.fingerprint("SELECT * FROM t WHERE id = 1")
    #expect(first == (try SQLText.fingerprint("select * from t where id = 42")))
    #expect(first != (try SQLText.fingerprint("SELECT * FROM t WHERE other = 1")))
    #expect(first.count == 16)
  }

  @Test func normalizeReplacesConstants() throws {
    #expect(try SQLText.normalize("SELECT * FROM t WHERE id = 1 AND name = 'x'") == "SELECT * FROM t WHERE id = $1 AND name = $2")
  }

  @Test func deparseRoundTrip() throws {
    #expect(try SQLText.deparse("select a,b from t where x=-5 limit 3") == "SELECT a, b FROM t WHERE x = -5 LIMIT 3")
  }

  @Test func errorsCarryAPosition() {
    #expect(throws: PgQueryError.self) { try SQLText.normalize("SELEC 1") }
    do {
      _ = try SQLText.fingerprint("SELECT 1 FROM WHERE")
    } catch {
      #expect(error.byteOffset == 14)
    }
  }
}
