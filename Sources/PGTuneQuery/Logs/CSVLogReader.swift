/// Reads csvlog (RFC 4180, fields may hold quoted newlines). Columns as PostgreSQL 13–16 write
/// them: log_time, user_name, database_name, process_id, connection_from, session_id,
/// session_line_num, command_tag, session_start_time, virtual_transaction_id, transaction_id,
/// error_severity, sql_state_code, message, detail, hint, internal_query, internal_query_pos,
/// context, query, query_pos, location, application_name, backend_type…
public struct CSVLogReader {
  private var record: [String] = []
  /// The field being read, as bytes: appending Characters one by one was the csv hot spot.
  private var field: [UInt8] = []
  private var quoted = false
  private var fieldStarted = false
  public private(set) var malformed = 0

  public init() {}

  /// Feeds one physical line; returns an event once a whole record has been read.
  public mutating func feed(_ line: Substring) -> LogEvent? {
    let bytes = line.utf8
    var index = bytes.startIndex
    let end = bytes.endIndex
    while index < end {
      let byte = bytes[index]
      index = bytes.index(after: index)
      if quoted {
        if byte == UInt8(ascii: "\"") {
          // `""` inside quotes is a quote; a lone `"` ends the quoted part.
          if index < end, bytes[index] == UInt8(ascii: "\"") {
            field.append(byte)
            index = bytes.index(after: index)
          } else {
            quoted = false
          }
        } else {
          field.append(byte)
        }
      } else if byte == UInt8(ascii: ",") {
        finishField()
      } else if byte == UInt8(ascii: "\"") && !fieldStarted {
        quoted = true
        fieldStarted = true
      } else {
        field.append(byte)
        fieldStarted = true
      }
    }
    if quoted {
      field.append(0x0A)
      return nil
    }
    finishField()
    defer { record.removeAll(keepingCapacity: true) }
    return Self.event(from: record, malformed: &malformed)
  }

  private mutating func finishField() {
    record.append(String(decoding: field, as: UTF8.self))
    field.removeAll(keepingCapacity: true)
    fieldStarted = false
  }

  static func event(from fields: [String], malformed: inout Int) -> LogEvent? {
    guard fields.count >= 14 else {
      malformed += 1
      return nil
    }
    func value(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? fields[index] : nil }
    var event = LogEvent(severity: fields[11], message: fields[13])
    event.timestamp = value(0)
    event.user = value(1)
    event.database = value(2)
    event.pid = value(3)
    event.sqlState = value(12)
    event.detail = value(14)
    event.statement = value(19)
    event.application = value(22)
    return event
  }
}

/// Reads jsonlog (PostgreSQL 15+): one flat JSON object per line. Read by a byte scanner that
/// keeps only the keys a report uses: Foundation's JSONSerialization on every line cost more
/// than all the rest of the report.
public enum JSONLogReader {
  public static func event(from line: Substring) -> LogEvent? {
    guard line.first == "{" else { return nil }
    var fields = [String?](repeating: nil, count: FlatJSONScanner.wanted.count)
    let scanned = line.utf8.withContiguousStorageIfAvailable { FlatJSONScanner.scan($0, into: &fields) }
      ?? Array(line.utf8).withUnsafeBufferPointer { FlatJSONScanner.scan($0, into: &fields) }
    guard scanned, let severity = fields[0] else { return nil }
    var event = LogEvent(severity: severity, message: fields[1] ?? "")
    event.timestamp = fields[2]
    event.user = fields[3]
    event.database = fields[4]
    event.pid = fields[5]
    event.application = fields[6]
    event.sqlState = fields[7]
    event.statement = fields[8]
    event.detail = fields[9]
    return event
  }
}

/// The members of a flat JSON object (strings, numbers, booleans, null) as text, for the keys
/// jsonlog readers want, found by comparing bytes (no String per key). Nested values are
/// skipped; anything malformed fails the line.
enum FlatJSONScanner {
  /// In the order of `JSONLogReader`'s fields.
  static let wanted: [[UInt8]] = [
    "error_severity", "message", "timestamp", "user", "dbname", "pid", "application_name", "state_code", "statement",
    "detail",
  ].map { Array($0.utf8) }

  static func scan(_ bytes: UnsafeBufferPointer<UInt8>, into fields: inout [String?]) -> Bool {
    var index = 1
    let end = bytes.count
    func skipBlanks() {
      while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
    }
    while true {
      skipBlanks()
      guard index < end else { return false }
      if bytes[index] == UInt8(ascii: "}") { return true }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard let key = stringRange(bytes, &index) else { return false }
      let slot = wanted.firstIndex { $0.count == key.range.count && $0.elementsEqual(bytes[key.range]) }
      skipBlanks()
      guard index < end, bytes[index] == UInt8(ascii: ":") else { return false }
      index += 1
      skipBlanks()
      guard index < end else { return false }
      if bytes[index] == UInt8(ascii: "\"") {
        guard let value = stringRange(bytes, &index) else { return false }
        if let slot { fields[slot] = text(bytes, value) }
      } else if bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[") {
        guard skipNested(bytes, &index) else { return false }
      } else {
        let start = index
        while index < end, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}") { index += 1 }
        var stop = index
        while stop > start, bytes[stop - 1] == 0x20 { stop -= 1 }
        if let slot, !(stop - start == 4 && bytes[start] == UInt8(ascii: "n")) {
          fields[slot] = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
        }
      }
    }
  }

  /// The bytes between a string's quotes (index on the opening quote; ends past the closing one)
  /// and whether they hold escapes.
  static func stringRange(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> (range: Range<Int>, escaped: Bool)? {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
    index += 1
    let start = index
    var escaped = false
    while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
      if bytes[index] == UInt8(ascii: "\\") {
        escaped = true
        index += 1
      }
      index += 1
    }
    guard index < bytes.count else { return nil }
    defer { index += 1 }
    return (start..<index, escaped)
  }

  static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ string: (range: Range<Int>, escaped: Bool)) -> String? {
    let raw = UnsafeBufferPointer(rebasing: bytes[string.range])
    guard string.escaped else { return String(decoding: raw, as: UTF8.self) }
    var output: [UInt8] = []
    output.reserveCapacity(raw.count)
    var index = 0
    while index < raw.count {
      let byte = raw[index]
      index += 1
      guard byte == UInt8(ascii: "\\"), index < raw.count else {
        output.append(byte)
        continue
      }
      let escape = raw[index]
      index += 1
      switch escape {
      case UInt8(ascii: "n"): output.append(0x0A)
      case UInt8(ascii: "t"): output.append(0x09)
      case UInt8(ascii: "r"): output.append(0x0D)
      case UInt8(ascii: "b"): output.append(0x08)
      case UInt8(ascii: "f"): output.append(0x0C)
      case UInt8(ascii: "u"):
        guard var value = hexScalar(raw, &index) else { return nil }
        // A surrogate pair: \uD83D\uDE00.
        if (0xD800...0xDBFF).contains(value), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
          raw[index + 1] == UInt8(ascii: "u")
        {
          var next = index + 2
          if let low = hexScalar(raw, &next), (0xDC00...0xDFFF).contains(low) {
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            index = next
          }
        }
        output.append(contentsOf: String(Character(Unicode.Scalar(value) ?? "\u{FFFD}")).utf8)
      default: output.append(escape)
      }
    }
    return String(decoding: output, as: UTF8.self)
  }

  static func hexScalar(_ raw: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> UInt32? {
    guard index + 4 <= raw.count else { return nil }
    var value: UInt32 = 0
    for offset in 0..<4 {
      guard let digit = hexDigit(raw[index + offset]) else { return nil }
      value = value << 4 | digit
    }
    index += 4
    return value
  }

  static func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  /// Skips an object or array value (strings inside may hold brackets).
  static func skipNested(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
    var depth = 0
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "\""):
        guard stringRange(bytes, &index) != nil else { return false }
        continue
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 {
          index += 1
          return true
        }
      default: break
      }
      index += 1
    }
    return false
  }
}

import Foundation
