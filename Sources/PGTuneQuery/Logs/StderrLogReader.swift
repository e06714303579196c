/// Reads stderr/syslog-style logs with any `log_line_prefix`: a line starts a message when it
/// holds `<SEVERITY>:  ` (two spaces) after a prefix; other lines continue the previous message
/// (multi-line statements). The prefix itself is read for what it usually holds: a timestamp
/// (`%m`/`%t`), `[pid]` (`%p`), `user@database` (`%u@%d`) and `app=…`/`db=…`/`user=…` pairs.
public struct StderrLogReader {
  static let severities = ["LOG", "ERROR", "FATAL", "PANIC", "WARNING", "STATEMENT", "DETAIL", "HINT", "CONTEXT", "NOTICE", "INFO", "DEBUG1", "DEBUG2", "QUERY"]

  static let severitySet = Set(severities)

  private var pending: LogEvent?
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
      let finished = pending
      pending = event
      return finished
    }
    if pending != nil, line.first == "\t" || line.first == " " || !line.isEmpty {
      // A continuation line: statements spanning lines are logged with a tab indent.
      pending?.message += "\n" + String(line.hasPrefix("\t") ? line.dropFirst() : line)
      return nil
    }
    if unrecognized.count < 5 && !line.isEmpty { unrecognized.append(String(line.prefix(200))) }
    return nil
  }

  /// The last message, at the end of the input.
  public mutating func finish() -> LogEvent? {
    defer { pending = nil }
    return pending
  }

  /// `<prefix><SEVERITY>:  <message>`: the earliest severity marker wins.
  static func split(_ line: Substring) -> (Substring, String, Substring)? {
    // Byte search: Foundation's range(of:) on every line was the report's hot spot.
    let utf8 = line.utf8
    guard let colonIndex = firstSeverityColon(utf8) else { return nil }
    let colon = colonIndex..<utf8.index(colonIndex, offsetBy: 3)
    let head = line[..<colon.lowerBound]
    // Usually the severity is the last blank-separated word of the head: one set lookup on
    // bytes instead of fourteen character-wise suffix checks.
    let headBytes = head.utf8
    let wordStart = headBytes.lastIndex(of: 0x20).map { headBytes.index(after: $0) } ?? headBytes.startIndex
    let word = String(Substring(headBytes[wordStart...]))
    if severitySet.contains(word) {
      return (head[..<wordStart], word, line[colon.upperBound...])
    }
    for severity in severities where head.hasSuffix(severity) {
      let prefix = head.dropLast(severity.count)
      guard prefix.isEmpty || prefix.last == " " || prefix.last == "]" || prefix.last == ":" else { continue }
      return (prefix, severity, line[colon.upperBound...])
    }
    return nil
  }

  /// The first `:` followed by two blanks. Scanned in the line's own bytes when they are
  /// contiguous (always, for lines cut from a block): stepping string indices was a twentieth of
  /// `report`'s time.
  private static func firstSeverityColon(_ utf8: Substring.UTF8View) -> Substring.Index? {
    let offset: Int?? = utf8.withContiguousStorageIfAvailable { buffer -> Int? in
      guard buffer.count >= 3, let base = buffer.baseAddress else { return nil }
      for index in 0..<(buffer.count - 2) where base[index] == 0x3A && base[index + 1] == 0x20 && base[index + 2] == 0x20 {
        return index
      }
      return nil
    }
    if let offset { return offset.map { utf8.index(utf8.startIndex, offsetBy: $0) } }
    var index = utf8.startIndex
    while index < utf8.endIndex {
      if utf8[index] == UInt8(ascii: ":") {
        let next = utf8.index(after: index)
        if next < utf8.endIndex, utf8[next] == 0x20 {
          let third = utf8.index(after: next)
          if third < utf8.endIndex, utf8[third] == 0x20 { return index }
        }
      }
      index = utf8.index(after: index)
    }
    return nil
  }

  /// Reads the prefix with the configured `log_line_prefix` when there is one and the line fits
  /// it, otherwise by what prefixes usually hold. Bytes only: this runs for every line.
  func readPrefix(_ prefix: Substring, into event: inout LogEvent) {
    if let format, format.read(prefix.utf8, into: &event) { return }
    Self.guessPrefix(prefix, into: &event)
  }

  static func guessPrefix(_ prefix: Substring, into event: inout LogEvent) {
    // On the prefix's own bytes: stepping string indices was a seventh of `report`'s time.
    if prefix.utf8.withContiguousStorageIfAvailable({ guessPrefix(bytes: $0, into: &event) }) != nil { return }
    Array(prefix.utf8).withUnsafeBufferPointer { guessPrefix(bytes: $0, into: &event) }
  }

  private static func guessPrefix(bytes: UnsafeBufferPointer<UInt8>, into event: inout LogEvent) {
    func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
    let end = bytes.count
    var position = 0
    // Timestamp first: `2024-05-01 10:00:00.123 UTC` (date, time, optional zone).
    if end >= 19, LogPrefixScanner.isDigit(bytes[0]), bytes[4] == UInt8(ascii: "-"), bytes[10] == 0x20 {
      let stampEnd = LogPrefixScanner.timestampEnd(bytes, from: 0)
      event.timestamp = text(0..<stampEnd)
      position = stampEnd
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
      if wordEnd - wordStart >= 2, bytes[wordStart] == UInt8(ascii: "["), bytes[wordEnd - 1] == UInt8(ascii: "]") {
        readBracket(bytes, (wordStart + 1)..<(wordEnd - 1), into: &event)
      } else if equals != nil {
        readPairs(bytes, wordStart..<wordEnd, into: &event)
      } else if let at, at < wordEnd {
        if at > wordStart { event.user = text(wordStart..<at) }
        if at + 1 < wordEnd { event.database = text((at + 1)..<wordEnd) }
      }
    }
  }

  /// `[1234]` or `[1234-1]` (%p, or syslog's [pid-line]): the first such bracket is the pid; a
  /// later one is a line number (`[%p]: [%l-1]`).
  private static func readBracket(_ bytes: UnsafeBufferPointer<UInt8>, _ inner: Range<Int>, into event: inout LogEvent) {
    guard event.pid == nil else { return }
    var digitsEnd = inner.lowerBound
    while digitsEnd < inner.upperBound, LogPrefixScanner.isDigit(bytes[digitsEnd]) { digitsEnd += 1 }
    guard digitsEnd > inner.lowerBound, digitsEnd == inner.upperBound || bytes[digitsEnd] == UInt8(ascii: "-") else { return }
    event.pid = String(decoding: UnsafeBufferPointer(rebasing: bytes[inner.lowerBound..<digitsEnd]), as: UTF8.self)
  }

  /// `user=app` or, without blanks between them, `db=shop,user=app` (Cloud SQL's prefix).
  private static func readPairs(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>, into event: inout LogEvent) {
    var partStart = word.lowerBound
    for index in word.lowerBound...word.upperBound where index == word.upperBound || bytes[index] == UInt8(ascii: ",") {
      defer { partStart = index + 1 }
      guard partStart < index, let sign = (partStart..<index).first(where: { bytes[$0] == UInt8(ascii: "=") }) else { continue }
      let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[(sign + 1)..<index]), as: UTF8.self)
      switch String(decoding: UnsafeBufferPointer(rebasing: bytes[partStart..<sign]), as: UTF8.self) {
      case "user": event.user = value
      case "db", "database": event.database = value
      case "app", "application": event.application = value
      case "pid": event.pid = value
      default: break
      }
    }
  }
}
