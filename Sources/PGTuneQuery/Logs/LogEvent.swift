/// One message of a PostgreSQL server log, whatever format it came in.
public struct LogEvent: Sendable, Equatable {
  /// As the log wrote it (`2024-05-01 10:00:00.123 UTC`).
  public var timestamp: String?
  public var pid: String?
  public var user: String?
  public var database: String?
  public var application: String?
  /// `LOG`, `ERROR`, `FATAL`, `STATEMENT`, `DETAIL`…
  public var severity: String
  public var sqlState: String?
  public var message: String
  /// The statement of an ERROR (`STATEMENT:` line, or csv/json `query`).
  public var statement: String?
  public var detail: String?

  public init(severity: String, message: String) {
    self.severity = severity
    self.message = message
  }
}

/// What a log message says about a query.
public enum LogMessage: Equatable, Sendable {
  /// `duration: 12.3 ms  statement: …` / `execute S_1: …` (log_min_duration_statement).
  case query(durationMilliseconds: Double, text: String)
  /// `duration: 12.3 ms` alone (log_duration; pairs with the previous statement of the session).
  case duration(Double)
  /// `statement: …` alone (log_statement).
  case statement(String)
  /// `duration: … parse/bind …`: extended-protocol steps that are not executions.
  case protocolStep
  case other

  /// Reads the message text of a LOG line.
  public static func classify(_ message: Substring) -> LogMessage {
    if message.hasPrefix("duration: ") {
      let rest = message.dropFirst("duration: ".count)
      guard let space = rest.firstIndex(of: " "), let value = Double(rest[..<space]) else { return .other }
      var tail = rest[space...]
      tail = tail.drop { $0 == " " }
      guard tail.hasPrefix("ms") else { return .other }
      tail = tail.dropFirst(2).drop { $0 == " " }
      if tail.isEmpty { return .duration(value) }
      if tail.hasPrefix("statement: ") { return .query(durationMilliseconds: value, text: String(tail.dropFirst(11))) }
      if tail.hasPrefix("execute ") || tail.hasPrefix("execute fetch from ") {
        guard let colon = tail.range(of: ": ") else { return .other }
        return .query(durationMilliseconds: value, text: String(tail[colon.upperBound...]))
      }
      if tail.hasPrefix("parse ") || tail.hasPrefix("bind ") { return .protocolStep }
      return .other
    }
    if message.hasPrefix("statement: ") { return .statement(String(message.dropFirst("statement: ".count))) }
    return .other
  }
}
