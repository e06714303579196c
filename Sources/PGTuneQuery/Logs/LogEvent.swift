import Foundation

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

  /// Reads the message text of a LOG line. On the message's own bytes when they are contiguous
  /// (always, for lines cut from a block): stepping `Substring.UTF8View` indices here was a tenth
  /// of `report`'s time.
  public static func classify(_ message: Substring) -> LogMessage {
    let utf8 = message.utf8
    if let read = utf8.withContiguousStorageIfAvailable({ classify(bytes: $0) }) { return read.message(in: message) }
    return Array(utf8).withUnsafeBufferPointer { classify(bytes: $0) }.message(in: message)
  }

  /// What `classify(bytes:)` found: the kind, and where its text starts (a byte offset).
  private enum Shape {
    case query(Double, textStart: Int)
    case duration(Double)
    case statement(textStart: Int)
    case plan(Double, textStart: Int)
    case tempFile, lockWait, protocolStep, other

    func message(in message: Substring) -> LogMessage {
      func text(from offset: Int) -> String {
        let utf8 = message.utf8
        return String(Substring(utf8[utf8.index(utf8.startIndex, offsetBy: offset)...]))
      }
      switch self {
      case .query(let milliseconds, let start): return .query(durationMilliseconds: milliseconds, text: text(from: start))
      case .duration(let milliseconds): return .duration(milliseconds)
      case .statement(let start): return .statement(text(from: start))
      case .plan(let milliseconds, let start): return .plan(durationMilliseconds: milliseconds, text: text(from: start))
      case .tempFile: return LogMessage.tempFile(message)
      case .lockWait: return LogMessage.lockWait(message)
      case .protocolStep: return .protocolStep
      case .other: return .other
      }
    }
  }

  private static func classify(bytes: UnsafeBufferPointer<UInt8>) -> Shape {
    let end = bytes.count
    func starts(_ literal: StaticString, at position: Int) -> Bool {
      let count = literal.utf8CodeUnitCount
      guard end - position >= count else { return false }
      return memcmp(bytes.baseAddress! + position, literal.utf8Start, count) == 0
    }
    if starts("duration: ", at: 0) {
      var position = 10
      let numberStart = position
      while position < end, bytes[position] != 0x20 { position += 1 }
      // A duration that does not fit a Double (a damaged line) or is negative is not one.
      guard let read = milliseconds(UnsafeBufferPointer(rebasing: bytes[numberStart..<position])), read.isFinite, read >= 0
      else { return .other }
      let value = exactlySummable(read)
      while position < end, bytes[position] == 0x20 { position += 1 }
      guard starts("ms", at: position) else { return .other }
      position += 2
      while position < end, bytes[position] == 0x20 { position += 1 }
      if position == end { return .duration(value) }
      if starts("statement: ", at: position) { return .query(value, textStart: position + 11) }
      if starts("execute ", at: position) {
        // `execute S_1: SELECT …` / `execute <unnamed>: …` / `execute fetch from …: …`
        var index = position
        while index + 1 < end {
          if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == 0x20 { return .query(value, textStart: index + 2) }
          index += 1
        }
        return .other
      }
      if starts("plan:", at: position) { return .plan(value, textStart: position + 5) }
      if starts("parse ", at: position) || starts("bind ", at: position) { return .protocolStep }
      return .other
    }
    if starts("statement: ", at: 0) { return .statement(textStart: 11) }
    if starts("temporary file: ", at: 0) { return .tempFile }
    if starts("process ", at: 0) { return .lockWait }
    return .other
  }

  /// `12.345` as logged (`%.3f`): read by hand when it is up to 12 digits, a dot and up to three
  /// decimals. That is the standard reading to the last bit: numerator and 10^k are exact in a
  /// Double and one correctly rounded division gives the nearest Double to the decimal, as
  /// strtod does. Anything else goes to the standard reading.
  private static func milliseconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    var whole = 0
    var index = 0
    while index < bytes.count, index <= 12, LogPrefixScanner.isDigit(bytes[index]) {
      whole = whole * 10 + Int(bytes[index] &- 0x30)
      index += 1
    }
    if index > 0, index <= 12 {
      if index == bytes.count { return Double(whole) }
      if bytes[index] == UInt8(ascii: "."), bytes.count - index - 1 <= 3, bytes.count - index - 1 >= 1 {
        var fraction = 0
        var scale = 1
        for position in (index + 1)..<bytes.count {
          guard LogPrefixScanner.isDigit(bytes[position]) else { return Double(String(decoding: bytes, as: UTF8.self)) }
          fraction = fraction * 10 + Int(bytes[position] &- 0x30)
          scale *= 10
        }
        return Double(whole * scale + fraction) / Double(scale)
      }
    }
    return Double(String(decoding: bytes, as: UTF8.self))
  }

  /// `temporary file: path "…", size N` (rare: read on characters).
  private static func tempFile(_ message: Substring) -> LogMessage {
    guard let size = message.range(of: ", size ", options: .backwards),
      let bytes = Int64(message[size.upperBound...].prefix { $0.isNumber })
    else { return .other }
    return .tempFile(bytes: bytes)
  }

  /// `process N still waiting for … after X ms` / `process N acquired … after X ms` (rare).
  private static func lockWait(_ message: Substring) -> LogMessage {
    guard let after = message.range(of: " after ", options: .backwards) else { return .other }
    let acquired = message.contains(" acquired ")
    guard acquired || message.contains(" still waiting for "),
      let milliseconds = Double(message[after.upperBound...].prefix { $0.isNumber || $0 == "." }), milliseconds.isFinite
    else { return .other }
    return .lockWait(milliseconds: exactlySummable(milliseconds), acquired: acquired)
  }

  /// The duration to the nearest 1/1024 ms (under half a microsecond away; logs write whole
  /// microseconds). Such values add up exactly in a Double, so totals do not depend on the order
  /// of addition: a log read in parts on several cores gives the same figures to the last bit.
  static func exactlySummable(_ milliseconds: Double) -> Double {
    let scaled = (milliseconds * 1_024).rounded()
    return scaled.isFinite ? scaled / 1_024 : milliseconds
  }
}
