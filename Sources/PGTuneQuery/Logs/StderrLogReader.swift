import Foundation

/// Reads stderr/syslog-style logs with any `log_line_prefix`: a line starts a message when it
/// holds `<SEVERITY>:  ` (two spaces) after a prefix; other lines continue the previous message
/// (multi-line statements). The prefix itself is read for what it usually holds: a timestamp
/// (`%m`/`%t`), `[pid]` (`%p`), `user@database` (`%u@%d`) and `app=…`/`db=…`/`user=…` pairs.
public struct StderrLogReader {
  static let severities = ["LOG", "ERROR", "FATAL", "PANIC", "WARNING", "STATEMENT", "DETAIL", "HINT", "CONTEXT", "NOTICE", "INFO", "DEBUG1", "DEBUG2", "QUERY"]

  private var pending: LogEvent?
  private var recent = RecentFieldText()
  /// The `log_line_prefix` given with --prefix; nil reads prefixes by guessing.
  let format: LogLinePrefix?
  /// Lines that looked like neither a message start nor a continuation (for the diagnosis).
  public private(set) var unrecognized: [String] = []
  public private(set) var recognizedLines = 0

  public init(prefix: LogLinePrefix? = nil) { format = prefix }

  /// Feeds one line (without its line break); returns a message that is now complete.
  public mutating func feed(_ line: Substring) -> LogEvent? {
    if let (prefix, severity, message) = Self.split(line) {
      recognizedLines += 1
      var event = LogEvent(severity: severity, message: String(message))
      readPrefix(prefix, into: &event)
      // Moved, not copied: a copy retained and released each of the event's strings.
      let finished = pending.take()
      pending = consume event
      return finished
    }
    if pending != nil, line.first == "\t" || line.first == " " || !line.isEmpty {
      // A continuation line: statements spanning lines are logged with a tab indent. Through
      // syslog (and Heroku's logplex) each line keeps the syslog header and numbers itself
      // `[9-2]`; the tab arrives as `#011`.
      let text = Self.syslogContinuation(line) ?? line
      pending?.message += "\n" + String(text.hasPrefix("\t") ? text.dropFirst() : text)
      return nil
    }
    if unrecognized.count < 5 && !line.isEmpty { unrecognized.append(String(line.prefix(200))) }
    return nil
  }

  /// The text of a syslog continuation line: what follows `[N-M] ` (M > 1) near the start,
  /// with syslog's `#011` turned back into the tab PostgreSQL wrote. Nil for any other line.
  static func syslogContinuation(_ line: Substring) -> Substring? {
    let bytes = Array(line.utf8.prefix(300))
    var index = 0
    while index < bytes.count {
      defer { index += 1 }
      guard bytes[index] == UInt8(ascii: "[") else { continue }
      var cursor = index + 1
      while cursor < bytes.count, LogPrefixScanner.isDigit(bytes[cursor]) { cursor += 1 }
      guard cursor > index + 1, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "-") else { continue }
      let numberStart = cursor + 1
      cursor = numberStart
      while cursor < bytes.count, LogPrefixScanner.isDigit(bytes[cursor]) { cursor += 1 }
      guard cursor > numberStart, cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "]"), bytes[cursor + 1] == 0x20,
        let part = Int(String(decoding: bytes[numberStart..<cursor], as: UTF8.self)), part > 1
      else { continue }
      var rest = line.utf8.dropFirst(cursor + 2)
      if rest.starts(with: "#011".utf8) {
        rest = rest.dropFirst(4)
        return "\t" + Substring(rest)
      }
      return Substring(rest)
    }
    return nil
  }

  /// The last message, at the end of the input.
  public mutating func finish() -> LogEvent? {
    defer { pending = nil }
    return pending
  }

  /// `<prefix><SEVERITY>:  <message>`: the earliest severity marker wins.
  static func split(_ line: Substring) -> (Substring, String, Substring)? {
    // Byte search: Foundation's range(of:) on every line was the report's hot spot, and then
    // stepping string indices (a twentieth of `report`'s time).
    let utf8 = line.utf8
    guard let found = utf8.withContiguousStorageIfAvailable({ severityMarker($0) }) ?? Array(utf8).withUnsafeBufferPointer({ severityMarker($0) })
    else { return nil }
    // Cut on the UTF-8 view: a Substring range subscript checks character boundaries.
    func index(_ offset: Int) -> Substring.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
    let colon = index(found.colon)
    let message = Substring(utf8[utf8.index(colon, offsetBy: 3)...])
    if let severity = found.severity { return (Substring(utf8[..<index(found.wordStart)]), severity, message) }
    let head = line[..<colon]
    for severity in severities where head.hasSuffix(severity) {
      let prefix = head.dropLast(severity.count)
      // `-` ends Azure's `%t-%c-` prefix.
      guard prefix.isEmpty || prefix.last == " " || prefix.last == "]" || prefix.last == ":" || prefix.last == "-" else {
        continue
      }
      return (prefix, severity, message)
    }
    return nil
  }

  /// The first `:` followed by two blanks, and the blank-separated word before it when that word
  /// is a severity (usually: then no suffix search is needed). Nil without such a colon.
  private static func severityMarker(_ bytes: UnsafeBufferPointer<UInt8>) -> (colon: Int, wordStart: Int, severity: String?)? {
    guard let base = bytes.baseAddress, let colon = bytes.firstOffset(of: ":  ") else { return nil }
    var wordStart = colon
    while wordStart > 0, base[wordStart - 1] != 0x20 { wordStart -= 1 }
    return (colon, wordStart, severity(UnsafeBufferPointer(rebasing: bytes[wordStart..<colon])))
  }

  /// The severity these bytes spell, as one of `severities` (no String made to look it up).
  private static func severity(_ word: UnsafeBufferPointer<UInt8>) -> String? {
    guard word.count >= 3, word.count <= 9, let base = word.baseAddress else { return nil }
    for (index, bytes) in severityBytes.enumerated() where bytes.count == word.count && bytes[0] == base[0] {
      if bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base, word.count) }) == 0 { return severities[index] }
    }
    return nil
  }

  /// `severities` as bytes (a generic comparison with a String's UTF-8 view cost more than the
  /// rest of the split).
  private static let severityBytes = severities.map { Array($0.utf8) }

  /// Reads the prefix with the configured `log_line_prefix` when there is one and the line fits
  /// it, otherwise by what prefixes usually hold. Bytes only: this runs for every line.
  mutating func readPrefix(_ prefix: Substring, into event: inout LogEvent) {
    if let format, format.read(prefix.utf8, into: &event, recent: &recent) { return }
    Self.guessPrefix(prefix, into: &event, recent: &recent)
  }

  static func guessPrefix(_ prefix: Substring, into event: inout LogEvent) {
    var recent = RecentFieldText()
    guessPrefix(prefix, into: &event, recent: &recent)
  }

  private static func guessPrefix(_ prefix: Substring, into event: inout LogEvent, recent: inout RecentFieldText) {
    // On the prefix's own bytes: stepping string indices was a seventh of `report`'s time.
    if prefix.utf8.withContiguousStorageIfAvailable({ guessPrefix(bytes: $0, into: &event, recent: &recent) }) != nil { return }
    Array(prefix.utf8).withUnsafeBufferPointer { guessPrefix(bytes: $0, into: &event, recent: &recent) }
  }

  private static func guessPrefix(bytes: UnsafeBufferPointer<UInt8>, into event: inout LogEvent, recent: inout RecentFieldText) {
    func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
    let end = bytes.count
    var position = 0
    // RFC 5424 syslog starts `<PRI>1 `: the timestamp follows.
    if end > 4, bytes[0] == UInt8(ascii: "<"), let close = (1..<min(end, 6)).first(where: { bytes[$0] == UInt8(ascii: ">") }),
      close + 2 < end, bytes[close + 2] == 0x20
    {
      position = close + 3
    }
    // RFC 3164 syslog: `May  1 10:00:00`, no year — read as this year's date.
    if end >= position + 15, (0x41...0x5A).contains(bytes[position]), let stamp = syslogTimestamp(bytes, at: position) {
      event.timestamp = stamp
      position += 15
    }
    // Timestamp first: `2024-05-01 10:00:00.123 UTC` (date, time, optional zone), or ISO 8601
    // (`2024-05-01T10:00:00.123Z`: syslog, Heroku, CloudWatch), read with a blank for the `T` so
    // that --since/--until and the per-minute counts compare it like the others.
    if end >= position + 19, LogPrefixScanner.isDigit(bytes[position]), bytes[position + 4] == UInt8(ascii: "-") {
      if bytes[position + 10] == 0x20 {
        var stampEnd = LogPrefixScanner.timestampEnd(bytes, from: position)
        // Azure's `%t-%c-`: a zone glued to the session id by `-` (`UTC-66321a00.1092-`).
        if stampEnd < end, bytes[stampEnd] == 0x20 {
          var probe = stampEnd + 1
          while probe < end, probe - stampEnd <= 6, (0x41...0x5A).contains(bytes[probe]) { probe += 1 }
          if probe > stampEnd + 1, probe < end, bytes[probe] == UInt8(ascii: "-") { stampEnd = probe }
        }
        event.timestamp = text(position..<stampEnd)
        position = stampEnd
      } else if bytes[position + 10] == UInt8(ascii: "T") {
        var stampEnd = position + 11
        while stampEnd < end, bytes[stampEnd] != 0x20 { stampEnd += 1 }
        event.timestamp = text(position..<(position + 10)) + " " + text((position + 11)..<stampEnd)
        position = stampEnd
      }
    }
    // Words end at blanks, and at colons outside brackets (`%t:%r:%u@%d:[%p]:` style prefixes).
    func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == UInt8(ascii: ":") }
    while position < end {
      while position < end, isSeparator(bytes[position]) { position += 1 }
      let wordStart = position
      var at: Int?
      var equals: Int?
      while position < end, !isSeparator(bytes[position]) {
        if bytes[position] == UInt8(ascii: "@") && at == nil { at = position }
        if bytes[position] == UInt8(ascii: "=") && equals == nil { equals = position }
        position += 1
      }
      guard wordStart < position else { break }
      var wordEnd = position
      let last = bytes[wordEnd - 1]
      if last == UInt8(ascii: ":") || last == UInt8(ascii: ",") || last == UInt8(ascii: ";") { wordEnd -= 1 }
      if let pid = sessionPID(bytes, wordStart..<wordEnd), event.pid == nil {
        // Azure's `%c` session id, `66321a00.1092`: start time and pid, in hex.
        event.pid = pid
      } else if wordEnd - wordStart >= 2, bytes[wordStart] == UInt8(ascii: "["), bytes[wordEnd - 1] == UInt8(ascii: "]") {
        readBracket(bytes, (wordStart + 1)..<(wordEnd - 1), into: &event, recent: &recent.pid)
      } else if equals != nil {
        readPairs(bytes, wordStart..<wordEnd, into: &event)
      } else if let at, at < wordEnd {
        if at > wordStart { event.user = recent.user.text(UnsafeBufferPointer(rebasing: bytes[wordStart..<at])) }
        if at + 1 < wordEnd { event.database = recent.database.text(UnsafeBufferPointer(rebasing: bytes[(at + 1)..<wordEnd])) }
      }
    }
  }

  static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
  /// The year RFC 3164 timestamps are read in (they carry none): the current one.
  static let syslogYear = Calendar(identifier: .gregorian).component(.year, from: Date())

  /// `May  1 10:00:00` → `2026-05-01 10:00:00`; nil when the bytes are not such a timestamp.
  static func syslogTimestamp(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> String? {
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(start + 15)]), as: UTF8.self)
    let utf8 = Array(text.utf8)
    guard utf8.count == 15, let month = months.firstIndex(of: String(text.prefix(3))), utf8[3] == 0x20, utf8[6] == 0x20,
      utf8[9] == UInt8(ascii: ":"), utf8[12] == UInt8(ascii: ":")
    else { return nil }
    let dayText = text.dropFirst(4).prefix(2).trimmingCharacters(in: .whitespaces)
    guard let day = Int(dayText), (1...31).contains(day), text.suffix(8).allSatisfy({ $0.isNumber || $0 == ":" }) else { return nil }
    return String(format: "%04d-%02d-%02d ", syslogYear, month + 1, day) + text.suffix(8)
  }

  /// The pid in a `%c` session id (`66321a00.1092`, hex start time, dot, hex pid), with the `-`
  /// of Azure's `%t-%c-` around it; nil for any other word.
  private static func sessionPID(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> String? {
    // A session id has a dot; most words (`[1234]`, `app@shop`) have none, found with one memchr.
    guard let base = bytes.baseAddress, !word.isEmpty, memchr(base + word.lowerBound, 0x2E, word.count) != nil else { return nil }
    var start = word.lowerBound
    for index in word.lowerBound...word.upperBound where index == word.upperBound || bytes[index] == UInt8(ascii: "-") {
      defer { start = index + 1 }
      if start < index, let pid = sessionPID(bytes, segment: start..<index) { return pid }
    }
    return nil
  }

  private static func sessionPID(_ bytes: UnsafeBufferPointer<UInt8>, segment range: Range<Int>) -> String? {
    // Most words fail at their first byte (`[1234]`, `app@shop`): checked before any scan.
    guard range.count >= 3, isHex(bytes[range.lowerBound]), range.count <= 20, let dot = range.first(where: { bytes[$0] == UInt8(ascii: ".") }), dot > range.lowerBound,
      dot < range.upperBound - 1
    else { return nil }
    guard range.allSatisfy({ $0 == dot || isHex(bytes[$0]) }),
      let pid = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[(dot + 1)..<range.upperBound]), as: UTF8.self), radix: 16)
    else { return nil }
    return String(pid)
  }

  private static func isHex(_ byte: UInt8) -> Bool { LogPrefixScanner.isDigit(byte) || (0x61...0x66).contains(byte) }

  /// `[1234]` or `[1234-1]` (%p, or syslog's [pid-line]): the first such bracket is the pid; a
  /// later one is a line number (`[%p]: [%l-1]`).
  private static func readBracket(
    _ bytes: UnsafeBufferPointer<UInt8>, _ inner: Range<Int>, into event: inout LogEvent, recent: inout RecentFieldText.Slot
  ) {
    guard event.pid == nil else { return }
    var digitsEnd = inner.lowerBound
    while digitsEnd < inner.upperBound, LogPrefixScanner.isDigit(bytes[digitsEnd]) { digitsEnd += 1 }
    guard digitsEnd > inner.lowerBound, digitsEnd == inner.upperBound || bytes[digitsEnd] == UInt8(ascii: "-") else { return }
    event.pid = recent.text(UnsafeBufferPointer(rebasing: bytes[inner.lowerBound..<digitsEnd]))
  }

  /// `user=app` or, without blanks between them, `db=shop,user=app` (Cloud SQL's prefix);
  /// `user="app"` (Heroku).
  private static func readPairs(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>, into event: inout LogEvent) {
    var partStart = word.lowerBound
    for index in word.lowerBound...word.upperBound where index == word.upperBound || bytes[index] == UInt8(ascii: ",") {
      defer { partStart = index + 1 }
      guard partStart < index, let sign = (partStart..<index).first(where: { bytes[$0] == UInt8(ascii: "=") }) else { continue }
      var valueRange = (sign + 1)..<index
      // Heroku's logplex quotes them: `database="shop"`.
      if valueRange.count >= 2, bytes[valueRange.lowerBound] == UInt8(ascii: "\""), bytes[valueRange.upperBound - 1] == UInt8(ascii: "\"") {
        valueRange = (valueRange.lowerBound + 1)..<(valueRange.upperBound - 1)
      }
      let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[valueRange]), as: UTF8.self)
      switch String(decoding: UnsafeBufferPointer(rebasing: bytes[partStart..<sign]), as: UTF8.self) {
      case "user": event.user = value
      case "db", "database": event.database = value
      case "app", "application", "application_name": event.application = value
      case "pid": event.pid = value
      default: break
      }
    }
  }
}
