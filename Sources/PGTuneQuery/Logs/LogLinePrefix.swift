/// A `log_line_prefix` setting (`--prefix '%m [%p] %q%u@%d '`), compiled to read the fields of
/// each line's prefix exactly, where the automatic reading can only guess (an application name
/// with blanks, a prefix with unusual separators).
public struct LogLinePrefix: Sendable, Equatable {
  enum Field: Sendable, Equatable {
    case timestamp, epoch, pid, user, database, application, sessionID, sqlState, other
  }

  enum Token: Sendable, Equatable {
    case literal([UInt8])
    case field(Field)
    /// `%q`: processes without a session stop printing the prefix here.
    case stopIfNoSession
  }

  let tokens: [Token]
  public let format: String

  /// Nil (with the reason) for an escape PostgreSQL does not know.
  public init(format: String) throws(LogPrefixError) {
    self.format = format
    var tokens: [Token] = []
    var literal: [UInt8] = []
    var bytes = Array(format.utf8)[...]
    while let byte = bytes.popFirst() {
      guard byte == UInt8(ascii: "%") else {
        literal.append(byte)
        continue
      }
      // Padding: %-10u, %5p.
      while let next = bytes.first, next == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
        bytes.removeFirst()
      }
      guard let escape = bytes.popFirst() else { throw LogPrefixError(message: "a lone % at the end of \(format)") }
      if escape == UInt8(ascii: "%") {
        literal.append(escape)
        continue
      }
      if !literal.isEmpty {
        tokens.append(.literal(literal))
        literal = []
      }
      switch Character(Unicode.Scalar(escape)) {
      case "m", "t", "s": tokens.append(.field(.timestamp))
      case "n": tokens.append(.field(.epoch))
      case "p": tokens.append(.field(.pid))
      case "u": tokens.append(.field(.user))
      case "d": tokens.append(.field(.database))
      case "a": tokens.append(.field(.application))
      case "c": tokens.append(.field(.sessionID))
      case "e": tokens.append(.field(.sqlState))
      case "q": tokens.append(.stopIfNoSession)
      case "r", "h", "b", "P", "i", "l", "v", "x", "Q": tokens.append(.field(.other))
      default: throw LogPrefixError(message: "unknown escape %\(Character(Unicode.Scalar(escape))) in \(format)")
      }
    }
    if !literal.isEmpty { tokens.append(.literal(literal)) }
    self.tokens = tokens
  }

  /// Reads the prefix of one line into `event`; false when the line does not have this shape.
  func read(_ prefix: Substring.UTF8View, into event: inout LogEvent) -> Bool {
    var recent = RecentFieldText()
    return read(prefix, into: &event, recent: &recent)
  }

  /// The same, reusing the last pid, user and database strings when their bytes repeat. On the
  /// prefix's own bytes: stepping string indices and making a String per field cost more than
  /// the automatic reading.
  func read(_ prefix: Substring.UTF8View, into event: inout LogEvent, recent: inout RecentFieldText) -> Bool {
    if let read = prefix.withContiguousStorageIfAvailable({ read(bytes: $0, into: &event, recent: &recent) }) { return read }
    return Array(prefix).withUnsafeBufferPointer { read(bytes: $0, into: &event, recent: &recent) }
  }

  private func read(bytes prefix: UnsafeBufferPointer<UInt8>, into event: inout LogEvent, recent: inout RecentFieldText) -> Bool {
    var position = 0
    let end = prefix.count
    for (index, token) in tokens.enumerated() {
      switch token {
      case .literal(let bytes):
        for byte in bytes {
          guard position < end, prefix[position] == byte else { return false }
          position += 1
        }
      case .stopIfNoSession:
        if position == end { return true }
      case .field(let field):
        let start = position
        if field == .timestamp {
          position = LogPrefixScanner.timestampEnd(prefix, from: position)
        } else {
          // Up to the next literal's first byte (or the end).
          var stop: UInt8?
          if index + 1 < tokens.count, case .literal(let next) = tokens[index + 1] { stop = next.first }
          while position < end, prefix[position] != stop { position += 1 }
        }
        let bytes = UnsafeBufferPointer(rebasing: prefix[start..<position])
        // `[unknown]` is what the server prints for a field it does not know yet.
        let known = !bytes.isEmpty && !bytes.elementsEqual("[unknown]".utf8)
        switch field {
        case .timestamp: event.timestamp = String(decoding: bytes, as: UTF8.self)
        case .epoch:
          let value = String(decoding: bytes, as: UTF8.self)
          event.timestamp = LogPrefixScanner.timestamp(fromEpoch: value) ?? value
        case .pid: event.pid = recent.pid.text(bytes)
        case .sessionID: if event.pid == nil { event.pid = String(decoding: bytes, as: UTF8.self) }
        case .user: if known { event.user = recent.user.text(bytes) }
        case .database: if known { event.database = recent.database.text(bytes) }
        case .application: if known { event.application = String(decoding: bytes, as: UTF8.self) }
        case .sqlState:
          if known && !bytes.elementsEqual("00000".utf8) { event.sqlState = String(decoding: bytes, as: UTF8.self) }
        case .other: break
        }
      }
    }
    return position == end
  }
}

public struct LogPrefixError: Error, Sendable, Equatable {
  public let message: String
}

/// Byte-level reading of the usual prefix pieces (no Character work on the hot path).
enum LogPrefixScanner {
  static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  /// Where a timestamp (`2024-05-01 10:00:00[.123][ UTC]`) starting at `start` ends: date and
  /// time characters up to the second blank, then a zone word if one follows.
  static func timestampEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var position = start
    let end = text.count
    var spaces = 0
    while position < end {
      let byte = text[position]
      if byte == 0x20 {
        spaces += 1
        if spaces == 2 {
          // A zone follows only if the next word is one: letters, digits, + or -.
          var probe = position + 1
          var length = 0
          while probe < end, text[probe] != 0x20, isZoneByte(text[probe]) {
            probe += 1
            length += 1
          }
          if length > 0 && length <= 6 && (probe == end || text[probe] == 0x20 || !isZoneByte(text[probe])) {
            return probe
          }
          return position
        }
      } else if !(isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")) {
        return position
      }
      position += 1
    }
    return position
  }

  static func isZoneByte(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || isDigit(byte) || byte == UInt8(ascii: "+")
      || byte == UInt8(ascii: "-")
  }

  /// `%n` prints seconds since the epoch with milliseconds; reports show ISO-like UTC times.
  static func timestamp(fromEpoch text: String) -> String? {
    // Epoch seconds beyond year 9999 are not a timestamp (and would trap in the conversions).
    guard let seconds = Double(text), seconds.isFinite, abs(seconds) < 253_402_300_800 else { return nil }
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    let milliseconds = Int((seconds - Double(Int(seconds))) * 1_000)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let millis = String(milliseconds + 1_000).dropFirst()
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis) UTC"
  }
}

#if canImport(Glibc)
  import Glibc
#endif
