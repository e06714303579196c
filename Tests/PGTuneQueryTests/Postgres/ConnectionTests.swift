import PGTuneQuery
import TestSupport
import Testing

/// Smoke tests of the libpq boundary against the real PostgreSQL 15 that `make test` starts.
@Suite(.enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct ConnectionTests {
  @Test func connectsAndQueries() throws {
    let connection = try PostgresConnection(conninfo: TestServices.postgresDSN)
    let version = try connection.query("SELECT version()")
    #expect(version.first?.first??.hasPrefix("PostgreSQL 15") == true)
    #expect(connection.serverVersion >= 150_000 && connection.serverVersion < 160_000)
    #expect(try connection.query("SELECT $1::int + 1, $2::text", parameters: ["41", nil]) == [["42", nil]])
  }

  @Test func uriFormIsAccepted() throws {
    let connection = try PostgresConnection(conninfo: "postgresql://postgres@127.0.0.1:\(port)/postgres")
    #expect(connection.isHealthy)
  }

  @Test func serverErrorsCarrySQLState() throws {
    let connection = try PostgresConnection(conninfo: TestServices.postgresDSN)
    #expect(throws: PostgresError.self) { try connection.query("SELECT * FROM no_such_table") }
    do {
      try connection.query("SELECT * FROM no_such_table")
    } catch {
      #expect(error.sqlState == "42P01")
      #expect(error.kind == .query)
      #expect(error.message == "relation \"no_such_table\" does not exist")
    }
    #expect(connection.isHealthy)
  }

  /// The extended protocol takes exactly one statement: a second one hidden after `;` is an error,
  /// not executed.
  @Test func oneStatementPerQuery() throws {
    let connection = try PostgresConnection(conninfo: TestServices.postgresDSN)
    #expect(throws: PostgresError.self) { try connection.query("SELECT 1; SELECT 2") }
  }

  @Test func serverDownIsAOneLineConnectionError() {
    do {
      _ = try PostgresConnection(conninfo: "host=127.0.0.1 port=\(TestServices.closedPort) connect_timeout=2")
      Issue.record("connected to a closed port")
    } catch {
      #expect(error.kind == .connection)
      #expect(error.message.contains("127.0.0.1"))
      #expect(error.message.contains("port \(TestServices.closedPort)"))
      #expect(!error.message.contains("\n"))
    }
  }

  @Test func passwordsNeverAppearInErrors() {
    do {
      _ = try PostgresConnection(conninfo: "postgresql://someone:s3cr3t-pw@127.0.0.1:\(TestServices.closedPort)/db")
      Issue.record("connected")
    } catch {
      #expect(!(error.errorDescription ?? "").contains("s3cr3t-pw"))
    }
  }

  @Test func unknownDatabase() {
    do {
      _ = try PostgresConnection(conninfo: TestServices.postgresDSN + " dbname=no_such_db_pgtq")
      Issue.record("connected")
    } catch {
      #expect(error.message.contains("no_such_db_pgtq"))
      #expect(error.kind == .connection)
    }
  }

  private var port: String {
    TestServices.postgresDSN.split(separator: " ").first { $0.hasPrefix("port=") }.map { String($0.dropFirst(5)) } ?? "5432"
  }
}
