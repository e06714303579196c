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
  /// `duration: … ms  plan:` and the plan (auto_explain, text or JSON).
  case plan(durationMilliseconds: Double, text: String)
  /// `temporary file: path "…", size N` (log_temp_files).
  case tempFile(bytes: Int64)
  /// `process N still waiting for … after X ms` / `process N acquired … after X ms` (log_lock_waits).
  case lockWait(milliseconds: Double, acquired: Bool)
  /// `duration: … parse/bind …`: extended-protocol steps that are not executions.
  case protocolStep
  case other

  /// Reads the message text of a LOG line (bytes only: this runs for every message).
  public static func classify(_ message: Substring) -> LogMessage {
    let bytes = message.utf8
    if starts(bytes, "duration: ") {
      var position = bytes.index(bytes.startIndex, offsetBy: 10)
      let numberStart = position
      while position < bytes.endIndex, bytes[position] != 0x20 { position = bytes.index(after: position) }
      // A duration that does not fit a Double (a damaged line) or is negative is not one.
      guard let read = Double(Substring(bytes[numberStart..<position])), read.isFinite, read >= 0 else { return .other }
      let value = exactlySummable(read)
      while position < bytes.endIndex, bytes[position] == 0x20 { position = bytes.index(after: position) }
      var tail = bytes[position...]
      guard starts(tail, "ms") else { return .other }
      tail = tail.dropFirst(2)
      while tail.first == 0x20 { tail = tail.dropFirst() }
      if tail.isEmpty { return .duration(value) }
      if starts(tail, "statement: ") { return .query(durationMilliseconds: value, text: String(Substring(tail.dropFirst(11)))) }
      if starts(tail, "execute ") {
        // `execute S_1: SELECT …` / `execute <unnamed>: …` / `execute fetch from …: …`
        var index = tail.startIndex
        while index < tail.endIndex {
          if tail[index] == UInt8(ascii: ":"), tail.index(after: index) < tail.endIndex, tail[tail.index(after: index)] == 0x20 {
            return .query(durationMilliseconds: value, text: String(Substring(tail[tail.index(index, offsetBy: 2)...])))
          }
          index = tail.index(after: index)
        }
        return .other
      }
      if starts(tail, "plan:") { return .plan(durationMilliseconds: value, text: String(Substring(tail.dropFirst(5)))) }
      if starts(tail, "parse ") || starts(tail, "bind ") { return .protocolStep }
      return .other
    }
    if starts(bytes, "statement: ") { return .statement(String(Substring(bytes.dropFirst(11)))) }
    if starts(bytes, "temporary file: ") {
      guard let size = message.range(of: ", size ", options: .backwards),
        let bytes = Int64(message[size.upperBound...].prefix { $0.isNumber })
      else { return .other }
      return .tempFile(bytes: bytes)
    }
    if starts(bytes, "process "), let after = message.range(of: " after ", options: .backwards) {
      let acquired = message.contains(" acquired ")
      guard acquired || message.contains(" still waiting for "),
        let milliseconds = Double(message[after.upperBound...].prefix { $0.isNumber || $0 == "." }), milliseconds.isFinite
      else { return .other }
      return .lockWait(milliseconds: exactlySummable(milliseconds), acquired: acquired)
    }
    return .other
  }

  /// The duration to the nearest 1/1024 ms (under half a microsecond away; logs write whole
  /// microseconds). Such values add up exactly in a Double, so totals do not depend on the order
  /// of addition: a log read in parts on several cores gives the same figures to the last bit.
  static func exactlySummable(_ milliseconds: Double) -> Double {
    let scaled = (milliseconds * 1_024).rounded()
    return scaled.isFinite ? scaled / 1_024 : milliseconds
  }

  private static func starts(_ bytes: Substring.UTF8View, _ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard bytes.count >= count else { return false }
    var index = bytes.startIndex
    for offset in 0..<count {
      guard bytes[index] == literal.utf8Start[offset] else { return false }
      index = bytes.index(after: index)
    }
    return true
  }
}
