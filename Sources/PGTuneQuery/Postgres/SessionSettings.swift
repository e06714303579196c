/// How every pooled session is set up: limits that keep a CLI from hanging or holding locks,
/// and read-only by default so that nothing it runs can change data unless asked to.
public struct SessionSettings: Sendable, Equatable {
  /// Milliseconds a statement may run (`statement_timeout`).
  public var statementTimeout: Int = 30_000
  /// Milliseconds to wait for a lock (`lock_timeout`).
  public var lockTimeout: Int = 10_000
  /// Milliseconds a session may sit idle inside a transaction before the server ends it.
  public var idleInTransactionTimeout: Int = 60_000
  /// Seconds libpq may spend connecting.
  public var connectTimeout: Int = 10
  /// Seconds to wait for any answer of the server before giving up on the connection; nil:
  /// `statement_timeout` plus 5 s (the server cancels a slow statement itself; this is for a
  /// server that cannot, because it is frozen or the network dropped).
  public var clientTimeout: Double?

  /// The client-side deadline in force.
  public var answerTimeout: Double { clientTimeout ?? Double(statementTimeout) / 1_000 + 5 }

  public init() {}

  /// `(name, value)` pairs applied with `set_config` right after connecting.
  var parameters: [(String, String)] {
    [
      ("statement_timeout", "\(statementTimeout)"),
      ("lock_timeout", "\(lockTimeout)"),
      ("idle_in_transaction_session_timeout", "\(idleInTransactionTimeout)"),
      ("default_transaction_read_only", "on"),
    ]
  }
}

extension PostgresConnection {
  /// Opens a connection and applies `settings` in one round trip.
  public static func open(conninfo: String, settings: SessionSettings) throws(PostgresError) -> PostgresConnection {
    let connection = try PostgresConnection(conninfo: conninfo, connectTimeout: settings.connectTimeout)
    connection.answerTimeout = settings.answerTimeout
    let parameters = settings.parameters
    let calls = parameters.indices.map { "set_config($\($0 * 2 + 1), $\($0 * 2 + 2), false)" }
    try connection.query(
      "SELECT " + calls.joined(separator: ", "), parameters: parameters.flatMap { [$0.0, $0.1] })
    return connection
  }
}
