internal import CLibPQ
import Foundation

/// An error from PostgreSQL or libpq, with the fields a user can act on.
public struct PostgresError: Error, LocalizedError, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// Could not connect (server down, refused, authentication, unknown database…).
    case connection
    /// The server rejected a query.
    case query
    /// The server did not answer within the client-side deadline (frozen, overloaded, or a
    /// network that drops packets). The connection is closed: its state is unknown.
    case unresponsive
  }

  public let kind: Kind
  /// SQLSTATE, e.g. `42P01` (undefined table); nil for client-side failures.
  public let sqlState: String?
  public let message: String
  public let detail: String?
  public let hint: String?

  public var errorDescription: String? {
    var text = message
    if let detail { text += " (\(detail))" }
    if let hint { text += "; hint: \(hint)" }
    return text
  }
}

/// One libpq connection. The only file that imports libpq.
///
/// Connection settings go through `PQconnectdbParams` with `expand_dbname`, so the user's string
/// may be a conninfo (`host=… dbname=…`), a URI (`postgresql://…`) or empty (libpq's defaults:
/// `PG*` variables, `~/.pgpass`, service files) — and nothing is ever pasted into a conninfo.
public final class PostgresConnection {
  private var handle: OpaquePointer?
  /// Seconds to wait for any one answer of the server; nil waits as long as libpq would.
  /// `statement_timeout` is enforced by the server, so a frozen server needs a deadline here.
  public var answerTimeout: Double?

  /// Opens a connection.
  /// - Parameters:
  ///   - conninfo: a conninfo string or URI; empty means libpq's defaults.
  ///   - connectTimeout: seconds libpq may spend connecting (per host).
  public init(conninfo: String, connectTimeout: Int = 10, applicationName: String = "pgtune-query")
    throws(PostgresError)
  {
    // TCP keepalives first, so that the user's conninfo may override them: a peer that vanished
    // (a dropped VM, a cut link) is noticed in about a minute instead of never.
    let keywords = [
      "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "dbname", "connect_timeout",
      "application_name", "client_encoding",
    ]
    let values = ["1", "30", "10", "3", conninfo, String(connectTimeout), applicationName, "UTF8"]
    let connection = withCStringArray(keywords) { keywordPointers in
      withCStringArray(values) { valuePointers in
        PQconnectdbParams(keywordPointers, valuePointers, 1)
      }
    }
    guard let connection else {
      throw PostgresError(
        kind: .connection, sqlState: nil, message: "out of memory while connecting", detail: nil, hint: nil)
    }
    guard PQstatus(connection) == CONNECTION_OK else {
      let message = Redaction.redact(Self.oneLine(PQerrorMessage(connection)))
      PQfinish(connection)
      throw PostgresError(kind: .connection, sqlState: nil, message: message, detail: nil, hint: nil)
    }
    handle = connection
  }

  deinit {
    if let handle { PQfinish(handle) }
  }

  /// Closes the connection now (it is also closed when the object goes away).
  public func close() {
    if let handle { PQfinish(handle) }
    handle = nil
  }

  /// Whether the connection is usable (false after the server went away).
  public var isHealthy: Bool {
    guard let handle else { return false }
    return PQstatus(handle) == CONNECTION_OK
  }

  /// The server's version number, e.g. 150004.
  public var serverVersion: Int {
    guard let handle else { return 0 }
    return Int(PQserverVersion(handle))
  }

  /// The server's host and port as libpq resolved them, for messages (`127.0.0.1:5432`).
  public var endpoint: String {
    guard let handle else { return "?" }
    let host = PQhost(handle).map { String(cString: $0) } ?? "?"
    let port = PQport(handle).map { String(cString: $0) } ?? "?"
    return "\(host):\(port)"
  }

  /// Runs one SQL command (no parameters) and returns its rows as text; NULL is nil.
  /// libpq's simple-query path accepts several statements in one string: callers that pass user
  /// text must use `query(_:parameters:)`, which cannot.
  @discardableResult
  public func execute(_ sql: String) throws(PostgresError) -> [[String?]] {
    guard let handle else { throw Self.closedError }
    guard PQsendQuery(handle, sql) == 1 else { throw sendFailure() }
    return try consume(try awaitResult(handle))
  }

  /// Runs one statement with `$1…` parameters through the extended protocol, which takes exactly
  /// one statement per call.
  @discardableResult
  public func query(_ sql: String, parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
    guard let handle else { throw Self.closedError }
    let sent = withOptionalCStringArray(parameters) { values in
      PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
    }
    guard sent == 1 else { throw sendFailure() }
    return try consume(try awaitResult(handle))
  }

  private func sendFailure() -> PostgresError {
    PostgresError(
      kind: .connection, sqlState: nil, message: Self.oneLine(handle.flatMap { PQerrorMessage($0) }), detail: nil, hint: nil)
  }

  /// Waits for the results of the query just sent, never longer than `answerTimeout` for the
  /// server to say something, and returns the last one (an error result if there was one).
  /// On the deadline the connection is closed: a rollback on the server happens when it wakes.
  private func awaitResult(_ handle: OpaquePointer) throws(PostgresError) -> OpaquePointer? {
    var kept: OpaquePointer?
    while true {
      while PQisBusy(handle) == 1 {
        try waitForInput(handle)
        guard PQconsumeInput(handle) == 1 else {
          PQclear(kept)
          return nil
        }
      }
      guard let next = PQgetResult(handle) else { return kept }
      if let current = kept, PQresultStatus(current) == PGRES_FATAL_ERROR {
        PQclear(next)
      } else {
        PQclear(kept)
        kept = next
      }
    }
  }

  private func waitForInput(_ handle: OpaquePointer) throws(PostgresError) {
    let socket = PQsocket(handle)
    guard socket >= 0 else { return }
    let deadline = answerTimeout.map { Date().addingTimeInterval($0) }
    while true {
      let remaining = deadline.map { max(0, $0.timeIntervalSinceNow) }
      var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
      let milliseconds = remaining.map { Int32(min($0 * 1_000, Double(Int32.max))) } ?? -1
      let ready = poll(&descriptor, 1, milliseconds)
      if ready > 0 { return }
      if ready < 0 && errno == EINTR { continue }
      if ready == 0 {
        let seconds = answerTimeout ?? 0
        close()
        throw PostgresError(
          kind: .unresponsive, sqlState: nil,
          message: String(format: "the server did not answer within %.0f s (--client-timeout); it may be frozen or overloaded", seconds),
          detail: nil, hint: nil)
      }
      return
    }
  }

  private func consume(_ result: OpaquePointer?) throws(PostgresError) -> [[String?]] {
    defer { PQclear(result) }
    guard let result else {
      throw PostgresError(
        kind: .connection, sqlState: nil, message: Self.oneLine(handle.flatMap { PQerrorMessage($0) }),
        detail: nil, hint: nil)
    }
    switch PQresultStatus(result) {
    case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
      let rows = Int(PQntuples(result))
      let columns = Int(PQnfields(result))
      return (0..<rows).map { row in
        (0..<columns).map { column in
          PQgetisnull(result, Int32(row), Int32(column)) == 1
            ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
        }
      }
    case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
      return []
    default:
      let field = { (code: Int32) in PQresultErrorField(result, code).map { String(cString: $0) } }
      let lostConnection = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
      throw PostgresError(
        kind: lostConnection ? .connection : .query,
        sqlState: field(PGTQ_DIAG_SQLSTATE),
        message: field(PGTQ_DIAG_MESSAGE_PRIMARY) ?? Self.oneLine(PQresultErrorMessage(result)),
        detail: field(PGTQ_DIAG_MESSAGE_DETAIL), hint: field(PGTQ_DIAG_MESSAGE_HINT))
    }
  }

  private static let closedError = PostgresError(
    kind: .connection, sqlState: nil, message: "the connection is closed", detail: nil, hint: nil)

  /// Why libpq cannot read `conninfo` (a typo'd keyword, a broken URI), or nil when it can: a
  /// usage error to report before anything connects. The text never holds a password.
  public static func conninfoProblem(_ conninfo: String) -> String? {
    guard !conninfo.isEmpty else { return nil }
    var message: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(conninfo, &message) else {
      defer { PQfreemem(message) }
      return Redaction.redact(oneLine(message.map { UnsafePointer($0) }))
    }
    PQconninfoFree(options)
    return nil
  }

  /// libpq messages span lines (`connection to server … failed: …\n\tIs the server running…`);
  /// a CLI error is one line.
  static func oneLine(_ message: UnsafePointer<CChar>?) -> String {
    guard let message else { return "unknown libpq error" }
    return String(cString: message)
      .split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
      .joined(separator: "; ")
  }
}

private func withCStringArray<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
  let duplicates = strings.map { strdup($0) }
  defer { duplicates.forEach { free($0) } }
  var pointers = duplicates.map { UnsafePointer<CChar>($0) } + [nil]
  return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}

private func withOptionalCStringArray<T>(
  _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T
) -> T {
  let duplicates = strings.map { $0.map { strdup($0) } ?? nil }
  defer { duplicates.forEach { free($0) } }
  var pointers = duplicates.map { $0.map { UnsafePointer<CChar>($0) } }
  if pointers.isEmpty { return body(nil) }
  return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
