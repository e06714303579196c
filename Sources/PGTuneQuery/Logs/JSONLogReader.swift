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

  static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ string: (range: Range<Int>, escaped: Bool)) -> String {
    let raw = UnsafeBufferPointer(rebasing: bytes[string.range])
    return string.escaped ? JSONString.unescape(raw) : String(decoding: raw, as: UTF8.self)
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
