import Foundation

/// Reads a file the way psql does before its SQL reaches the parser: backslash meta-commands
/// and `:variable` interpolation. The result is the same file with every byte in its place —
/// meta-commands blanked (a `\g` that ends a statement becomes `;`), variables replaced by their
/// `\set` value or a placeholder of the same length — so every position the rules report is a
/// position in the original text, with no offset map to get wrong.
///
/// Like psql: backslashes and colons inside string literals, quoted identifiers, comments and
/// dollar-quoted bodies are text; `::` is a cast; `\if`/`\elif`/`\else` branches are all kept
/// (each is analyzed: which one runs is only known at run time).
public struct PsqlScript: Sendable {
  /// An `\i` / `\ir` / `\include` / `\include_relative` to follow.
  public struct Include: Sendable, Equatable {
    public let path: String
    /// `\ir`: relative to the including file's directory (`\i`: to the working directory).
    public let relativeToScript: Bool
    /// Byte offset of the backslash, for messages.
    public let offset: Int
    /// The variables set when psql reaches it.
    public let variables: [String: String]
  }

  /// The file as the SQL parser should see it (same length as the original).
  public let source: SourceFile
  public let includes: [Include]
  /// Meta-commands with no bearing on the SQL (`\copy`, `\timing`, `\echo`…), by offset.
  public let skipped: [(name: String, offset: Int)]
  /// Variables set by the end of the file.
  public let variables: [String: String]

  /// Meta-commands that send the query buffer, like `;`.
  static let sendingCommands: Set<String> = ["g", "gx", "gset", "gexec", "gdesc", "crosstabview", "watch"]
  static let includeCommands: [String: Bool] = ["i": false, "include": false, "ir": true, "include_relative": true]
  static let conditionalCommands: Set<String> = ["if", "elif", "else", "endif"]

  public static func read(_ source: SourceFile, variables initial: [String: String] = [:]) -> PsqlScript {
    // Plain SQL (no meta-command line, no variable known from an including script) has nothing
    // to read: one scan for a line-leading backslash, not a lexer pass over the whole file.
    if initial.isEmpty, !Reader.hasMetaCommand(source.bytes) {
      return PsqlScript(source: source, includes: [], skipped: [], variables: [:])
    }
    var reader = Reader(bytes: source.bytes, variables: initial)
    reader.run()
    let rewritten = reader.changed ? SourceFile(name: source.name, bytes: reader.output) : source
    return PsqlScript(source: rewritten, includes: reader.includes, skipped: reader.skipped, variables: reader.variables)
  }
}

/// One pass over the bytes with the lexical states psql's own scanner tracks.
private struct Reader {
  let bytes: [UInt8]
  var output: [UInt8]
  var variables: [String: String]
  var includes: [PsqlScript.Include] = []
  var skipped: [(name: String, offset: Int)] = []
  var changed = false
  /// Whether the file uses psql at all: only then is an unknown `:name` taken for a variable
  /// (in plain SQL `a[1:n]` is an array slice).
  let isScript: Bool
  var bracketDepth = 0
  var index = 0

  init(bytes: [UInt8], variables: [String: String]) {
    self.bytes = bytes
    output = bytes
    self.variables = variables
    isScript = Reader.hasMetaCommand(bytes)
  }

  /// A line whose first non-blank character is a backslash.
  /// Only the backslashes are looked at (found at memchr speed): most SQL files have none.
  static func hasMetaCommand(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return false }
      var from = 0
      while from < buffer.count, let found = memchr(base + from, Int32(UInt8(ascii: "\\")), buffer.count - from) {
        let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
        var before = position - 1
        while before >= 0, buffer[before] == 0x20 || buffer[before] == 0x09 { before -= 1 }
        if before < 0 || buffer[before] == 0x0A { return true }
        from = position + 1
      }
      return false
    }
  }

  mutating func run() {
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "'"):
        skipQuoted(UInt8(ascii: "'"), backslashEscapes: index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e"))
      case UInt8(ascii: "\""):
        skipQuoted(UInt8(ascii: "\""), backslashEscapes: false)
      case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
      case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
        skipBlockComment()
      case UInt8(ascii: "$"):
        skipDollarQuoted()
      case UInt8(ascii: "["):
        bracketDepth += 1
        index += 1
      case UInt8(ascii: "]"):
        bracketDepth = max(0, bracketDepth - 1)
        index += 1
      case UInt8(ascii: ":"):
        interpolate()
      case UInt8(ascii: "\\"):
        metaCommand()
      default:
        index += 1
      }
    }
  }

  private func peek(_ ahead: Int) -> UInt8? { index + ahead < bytes.count ? bytes[index + ahead] : nil }

  private mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool) {
    index += 1
    while index < bytes.count {
      let byte = bytes[index]
      if backslashEscapes, byte == UInt8(ascii: "\\") {
        index += 2
        continue
      }
      index += 1
      if byte == quote {
        if index < bytes.count, bytes[index] == quote { index += 1; continue }  // '' or ""
        return
      }
    }
  }

  private mutating func skipBlockComment() {
    var depth = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
        depth += 1
        index += 2
      } else if bytes[index] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
        depth -= 1
        index += 2
        if depth == 0 { return }
      } else {
        index += 1
      }
    }
  }

  /// `$tag$ … $tag$` (a `$1` parameter is not a quote).
  private mutating func skipDollarQuoted() {
    var end = index + 1
    while end < bytes.count, Reader.isIdentifierByte(bytes[end]), !(end == index + 1 && Reader.isDigit(bytes[end])) { end += 1 }
    guard end < bytes.count, bytes[end] == UInt8(ascii: "$") else {
      index += 1
      return
    }
    let tag = bytes[index...end]
    var position = end + 1
    while position + tag.count <= bytes.count {
      if bytes[position] == UInt8(ascii: "$"), bytes[position..<position + tag.count].elementsEqual(tag) {
        index = position + tag.count
        return
      }
      position += 1
    }
    index = bytes.count
  }

  // MARK: Variables

  /// `:name`, `:'name'`, `:"name"` — not `::`, and not a colon psql would leave alone.
  private mutating func interpolate() {
    let start = index
    if peek(1) == UInt8(ascii: ":") {
      index += 2
      return
    }
    if let quote = peek(1), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") {
      var end = index + 2
      while end < bytes.count, Reader.isIdentifierByte(bytes[end]) { end += 1 }
      guard end > index + 2, end < bytes.count, bytes[end] == quote else {
        index += 1
        return
      }
      let name = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
      index = end + 1
      replace(start..<index, with: quoted(name, quote: quote, width: index - start))
      return
    }
    var end = index + 1
    while end < bytes.count, Reader.isIdentifierByte(bytes[end]) { end += 1 }
    guard end > index + 1 else {
      index += 1
      return
    }
    let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
    let width = end - start
    if let value = variables[name] {
      index = end
      let fits = value.utf8.count <= width
      let placeholder = Double(value) != nil ? "0" : name
      replace(start..<end, with: fits ? value : placeholder)
    } else if isScript, bracketDepth == 0, !Reader.isDigit(bytes[index + 1]) {
      // Unknown here (set with `psql -v`, or by `\gset`): the name keeps the statement parseable.
      index = end
      replace(start..<end, with: name)
    } else {
      index = end
    }
  }

  /// `:'v'` is the value as a string literal, `:"v"` as an identifier; a value that does not fit
  /// in the reference's bytes becomes `''` or the variable's name, quoted.
  private func quoted(_ name: String, quote: UInt8, width: Int) -> String {
    let mark = quote == UInt8(ascii: "'") ? "'" : "\""
    if let value = variables[name] {
      let literal = mark + value.replacingOccurrences(of: mark, with: mark + mark) + mark
      if literal.utf8.count <= width { return literal }
    }
    return quote == UInt8(ascii: "'") ? "''" : mark + name + mark
  }

  /// Writes `text` over `range` of the output, padded with spaces (it never grows).
  private mutating func replace(_ range: Range<Int>, with text: String) {
    let replacement = Array(text.utf8.prefix(range.count))
    for (offset, position) in range.enumerated() {
      output[position] = offset < replacement.count ? replacement[offset] : UInt8(ascii: " ")
    }
    changed = true
  }

  // MARK: Meta-commands

  /// `\name args…` up to the end of the line.
  private mutating func metaCommand() {
    let start = index
    var end = index + 1
    while end < bytes.count, bytes[end] != 0x0A { end += 1 }
    let line = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
    let name = String(line.prefix { $0.isLetter || $0 == "_" || $0 == "!" || $0 == "?" })
    let arguments = Reader.arguments(String(line.dropFirst(name.count)))
    index = end
    if PsqlScript.sendingCommands.contains(name) {
      replace(start..<end, with: ";")
      return
    }
    replace(start..<end, with: "")
    switch name {
    case "set":
      if let variable = arguments.first { variables[variable] = arguments.dropFirst().joined() }
    case "unset":
      if let variable = arguments.first { variables[variable] = nil }
    case _ where PsqlScript.includeCommands[name] != nil:
      if let path = arguments.first {
        includes.append(
          PsqlScript.Include(
            path: path, relativeToScript: PsqlScript.includeCommands[name] ?? false, offset: start, variables: variables))
      }
    case _ where PsqlScript.conditionalCommands.contains(name):
      break
    default:
      skipped.append((name.isEmpty ? "\\" : name, start))
    }
  }

  /// psql's argument words: blanks separate them, `'…'` quotes one (with `''` for a quote), and
  /// `:name` / `:'name'` inside an argument is the variable's value.
  static func arguments(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var characters = Array(text)[...]
    while let character = characters.popFirst() {
      if character == "'" {
        inWord = true
        while let next = characters.popFirst() {
          if next == "'" {
            if characters.first == "'" { current.append("'"); characters.removeFirst(); continue }
            break
          }
          current.append(next)
        }
      } else if character == " " || character == "\t" {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(character)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }

  static func isIdentifierByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
      || byte >= 0x80
  }

  static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
