/// Reads stderr/syslog-style logs with any `log_line_prefix`: a line starts a message when it
/// holds `<SEVERITY>:  ` (two spaces) after a prefix; other lines continue the previous message
/// (multi-line statements). The prefix itself is read for what it usually holds: a timestamp
/// (`%m`/`%t`), `[pid]` (`%p`), `user@database` (`%u@%d`) and `app=…`/`db=…`/`user=…` pairs.
public struct StderrLogReader {
  static let severities = ["LOG", "ERROR", "FATAL", "PANIC", "WARNING", "STATEMENT", "DETAIL", "HINT", "CONTEXT", "NOTICE", "INFO", "DEBUG1", "DEBUG2", "QUERY"]

  static let severitySet = Set(severities)

  private var pending: LogEvent?
  /// Lines that looked like neither a message start nor a continuation (for the diagnosis).
  public private(set) var unrecognized: [String] = []
  public private(set) var recognizedLines = 0

  public init() {}

  /// Feeds one line (without its line break); returns a message that is now complete.
  public mutating func feed(_ line: Substring) -> LogEvent? {
    if let (prefix, severity, message) = Self.split(line) {
      recognizedLines += 1
      var event = LogEvent(severity: severity, message: String(message))
      Self.readPrefix(prefix, into: &event)
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
    var index = utf8.startIndex
    var found: Substring.Index?
    while index < utf8.endIndex {
      if utf8[index] == UInt8(ascii: ":") {
        let next = utf8.index(after: index)
        if next < utf8.endIndex, utf8[next] == 0x20 {
          let third = utf8.index(after: next)
          if third < utf8.endIndex, utf8[third] == 0x20 {
            found = index
            break
          }
        }
      }
      index = utf8.index(after: index)
    }
    guard let colonIndex = found else { return nil }
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

  static func readPrefix(_ prefix: Substring, into event: inout LogEvent) {
    let words = prefix.split(separator: " ")
    // Timestamp: `2024-05-01 10:00:00.123 UTC` — date, time, optional zone.
    if words.count >= 2, words[0].count == 10, words[0].dropFirst(4).first == "-", words[1].contains(":") {
      var stamp = "\(words[0]) \(words[1])"
      if words.count >= 3, words[2].allSatisfy({ $0.isLetter || $0 == "+" || $0 == "-" || $0.isNumber }), words[2].count <= 6,
        !words[2].hasPrefix("[")
      {
        stamp += " \(words[2])"
      }
      event.timestamp = stamp
    }
    for word in words {
      if word.hasPrefix("[") && word.hasSuffix("]") {
        let inner = word.dropFirst().dropLast().split(separator: "-").first ?? ""
        if !inner.isEmpty && inner.allSatisfy(\.isNumber) { event.pid = String(inner) }
      } else if let at = word.firstIndex(of: "@"), !word.contains("=") {
        let user = word[..<at]
        let database = word[word.index(after: at)...]
        if !user.isEmpty { event.user = String(user) }
        if !database.isEmpty { event.database = String(database) }
      } else if let equals = word.firstIndex(of: "=") {
        let key = word[..<equals]
        let value = String(word[word.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: ",;"))
        switch key {
        case "user": event.user = value
        case "db", "database": event.database = value
        case "app", "application": event.application = value
        case "pid": event.pid = value
        default: break
        }
      }
    }
  }
}

import Foundation
