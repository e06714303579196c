import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The connection pool against the real server: session settings, recycling, and replacing a
/// connection the server killed.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct PoolTests {
  @Test func sessionsAreReadOnlyWithTimeouts() throws {
    var settings = SessionSettings()
    settings.statementTimeout = 1_234
    settings.lockTimeout = 567
    let connection = try PostgresConnection.open(conninfo: TestServices.postgresDSN, settings: settings)
    let values = try connection.query(
      "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), current_setting('default_transaction_read_only'), current_setting('application_name')")
    #expect(values == [["1234ms", "567ms", "on", "pgtune-query"]])
    #expect(throws: PostgresError.self) { try connection.query("CREATE TEMP TABLE t (a int)") }
  }

  @Test func connectionsAreRecycled() throws {
    let pool = ConnectionPool(conninfo: TestServices.postgresDSN, settings: SessionSettings(), maxQueriesPerConnection: 2)
    let session = PooledSession(pool: pool)
    defer { session.close() }
    var pids = Set<String>()
    for _ in 0..<5 {
      let pid = try session.run { connection throws(PostgresError) in try connection.query("SELECT pg_backend_pid()") }
      pids.insert(pid.first?.first??.description ?? "")
    }
    #expect(pids.count == 3)
    #expect(pool.statistics.connectionsOpened == 3)
    #expect(pool.statistics.queries == 5)
  }

  @Test func aKilledConnectionIsReplacedAndTheQueryRetried() throws {
    let pool = ConnectionPool(conninfo: TestServices.postgresDSN, settings: SessionSettings())
    let session = PooledSession(pool: pool)
    defer { session.close() }
    let first = try session.run { connection throws(PostgresError) in try connection.query("SELECT pg_backend_pid()") }
    let pid = try #require(first.first?.first ?? nil)
    let admin = try PostgresConnection(conninfo: TestServices.postgresDSN)
    try admin.query("SELECT pg_terminate_backend($1::int)", parameters: [pid])
    // Wait (with a deadline) until the server has really ended the backend.
    let deadline = Date().addingTimeInterval(10)
    while try !admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int", parameters: [pid]).isEmpty, Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
    }
    let second = try session.run { connection throws(PostgresError) in try connection.query("SELECT pg_backend_pid()") }
    #expect(second.first?.first ?? nil != pid)
    #expect(pool.statistics.reconnects == 1)
    #expect(pool.downError == nil)
  }

  @Test func serverDownMarksThePoolDown() throws {
    let pool = ConnectionPool(conninfo: "host=127.0.0.1 port=\(TestServices.closedPort) connect_timeout=2", settings: SessionSettings())
    let session = PooledSession(pool: pool)
    #expect(throws: PostgresError.self) { try session.run { connection throws(PostgresError) in try connection.query("SELECT 1") } }
    #expect(pool.downError != nil)
  }
}
