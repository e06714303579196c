/// A problem with the configuration file or with rule options; the text names file:line:col.
public struct ConfigurationError: Error, LocalizedError, Sendable, Equatable {
  public let message: String
  public init(message: String) { self.message = message }
  public var errorDescription: String? { message }
}

/// A value in the configuration file.
public enum ConfigValue: Sendable, Equatable {
  case string(String)
  case integer(Int)
  case double(Double)
  case bool(Bool)
  case array([ConfigValue])
}

/// Reads the part of TOML that a configuration file needs: `[table]` and `[table.sub-table]`
/// headers (bare or quoted keys), `key = value` with basic and literal strings, integers
/// (with `_`), floats, booleans, and single-line arrays of those; `#` comments. Anything else is
/// a `ConfigurationError` naming the line, never a silent guess.
enum TOMLReader {
  /// Returns the key/value pairs keyed by table path (`""` for the top level, `rules.select-star`).
  static func read(_ text: String, file: String) throws(ConfigurationError) -> [String: [String: ConfigValue]] {
    try readDocument(text, file: file).tables
  }

  /// The tables with where each key and table header was written (`file:line:col`), so that
  /// whoever interprets the values can point at a bad one.
  struct Document {
    var tables: [String: [String: ConfigValue]]
    /// `table.key` (or `[table]` for a header) → `file:line:col`.
    var positions: [String: String]

    func position(table: String, key: String) -> String? { positions[table.isEmpty ? key : "\(table).\(key)"] }
    func position(table: String) -> String? { positions["[\(table)]"] }
  }

  static func readDocument(_ text: String, file: String) throws(ConfigurationError) -> Document {
    var positions: [String: String] = [:]
    var tables: [String: [String: ConfigValue]] = ["": [:]]
    var current = ""
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let lineNumber = index + 1
      var scanner = Scanner(Array(rawLine.utf8), file: file, line: lineNumber)
      scanner.skipBlanks()
      if scanner.atEndOrComment { continue }
      let headerColumn = scanner.position + 1
      if scanner.peek == UInt8(ascii: "[") {
        scanner.advance()
        if scanner.peek == UInt8(ascii: "[") { throw scanner.error("arrays of tables are not supported") }
        let path = try scanner.readKeyPath()
        scanner.skipBlanks()
        try scanner.expect(UInt8(ascii: "]"))
        try scanner.expectEnd()
        current = path.joined(separator: ".")
        positions["[\(current)]"] = "\(file):\(lineNumber):\(headerColumn)"
        if let existing = tables[current], !existing.isEmpty {
          throw scanner.error("table [\(current)] is defined twice")
        }
        tables[current, default: [:]] = tables[current] ?? [:]
        continue
      }
      let keyPath = try scanner.readKeyPath()
      scanner.skipBlanks()
      try scanner.expect(UInt8(ascii: "="))
      scanner.skipBlanks()
      let value = try scanner.readValue()
      try scanner.expectEnd()
      let table = ([current] + keyPath.dropLast()).filter { !$0.isEmpty }.joined(separator: ".")
      guard let key = keyPath.last else { throw scanner.error("missing key") }
      if tables[table]?[key] != nil { throw scanner.error("key '\(key)' is set twice") }
      tables[table, default: [:]][key] = value
      positions[table.isEmpty ? key : "\(table).\(key)"] = "\(file):\(lineNumber):\(headerColumn)"
    }
    return Document(tables: tables, positions: positions)
  }

  private struct Scanner {
    let bytes: [UInt8]
    let file: String
    let line: Int
    private(set) var position = 0

    init(_ bytes: [UInt8], file: String, line: Int) {
      self.bytes = bytes.last == 0x0D ? Array(bytes.dropLast()) : bytes
      self.file = file
      self.line = line
    }

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }
    var atEndOrComment: Bool { peek == nil || peek == UInt8(ascii: "#") }
    mutating func advance() { position += 1 }

    func error(_ message: String) -> ConfigurationError {
      ConfigurationError(message: "\(file):\(line):\(position + 1): \(message)")
    }

    mutating func skipBlanks() {
      while peek == 0x20 || peek == 0x09 { advance() }
    }

    mutating func expect(_ byte: UInt8) throws(ConfigurationError) {
      guard peek == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
      advance()
    }

    mutating func expectEnd() throws(ConfigurationError) {
      skipBlanks()
      guard atEndOrComment else { throw error("unexpected text after the value") }
    }

    mutating func readKeyPath() throws(ConfigurationError) -> [String] {
      var parts: [String] = []
      repeat {
        if !parts.isEmpty { advance() }
        skipBlanks()
        if peek == UInt8(ascii: "\"") || peek == UInt8(ascii: "'") {
          guard case .string(let key) = try readValue() else { throw error("bad key") }
          parts.append(key)
        } else {
          let start = position
          while let byte = peek, isBareKey(byte) { advance() }
          guard position > start else { throw error("expected a key") }
          parts.append(String(decoding: bytes[start..<position], as: UTF8.self))
        }
        skipBlanks()
      } while peek == UInt8(ascii: ".")
      return parts
    }

    private func isBareKey(_ byte: UInt8) -> Bool {
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        || byte == UInt8(ascii: "_")
    }

    /// Arrays nest at most this deep: a hostile file of 100,000 `[` is an error, not a stack overflow.
    static let maximumNesting = 16

    mutating func readValue(depth: Int = 0) throws(ConfigurationError) -> ConfigValue {
      guard let byte = peek else { throw error("expected a value") }
      switch byte {
      case UInt8(ascii: "\""): return .string(try readBasicString())
      case UInt8(ascii: "'"):
        advance()
        let start = position
        while let next = peek, next != UInt8(ascii: "'") { _ = next; advance() }
        guard peek != nil else { throw error("unterminated string") }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        advance()
        return .string(text)
      case UInt8(ascii: "["):
        advance()
        var items: [ConfigValue] = []
        while true {
          skipBlanks()
          if peek == UInt8(ascii: "]") {
            advance()
            return .array(items)
          }
          guard depth < Self.maximumNesting else { throw error("arrays nested more than \(Self.maximumNesting) deep") }
          items.append(try readValue(depth: depth + 1))
          skipBlanks()
          if peek == UInt8(ascii: ",") { advance() } else if peek != UInt8(ascii: "]") {
            throw error("expected ',' or ']' (arrays must be on one line)")
          }
        }
      default:
        let start = position
        while let next = peek, next != 0x20, next != 0x09, next != UInt8(ascii: ","), next != UInt8(ascii: "]"),
          next != UInt8(ascii: "#")
        {
          advance()
        }
        let word = String(decoding: bytes[start..<position], as: UTF8.self)
        if word == "true" { return .bool(true) }
        if word == "false" { return .bool(false) }
        let digits = word.replacingOccurrences(of: "_", with: "")
        if let integer = Int(digits) { return .integer(integer) }
        if let double = Double(digits) { return .double(double) }
        position = start
        throw error("cannot read value '\(word)' (strings need quotes)")
      }
    }

    private mutating func readBasicString() throws(ConfigurationError) -> String {
      advance()
      var output: [UInt8] = []
      while let byte = peek {
        advance()
        switch byte {
        case UInt8(ascii: "\""): return String(decoding: output, as: UTF8.self)
        case UInt8(ascii: "\\"):
          guard let escape = peek else { throw error("unterminated string") }
          advance()
          switch escape {
          case UInt8(ascii: "n"): output.append(0x0A)
          case UInt8(ascii: "t"): output.append(0x09)
          case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(escape)
          default: throw error("unsupported escape '\\\(Character(Unicode.Scalar(escape)))'")
          }
        default: output.append(byte)
        }
      }
      throw error("unterminated string")
    }
  }
}

import Foundation
