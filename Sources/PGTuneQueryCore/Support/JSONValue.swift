import Foundation

/// A parsed JSON document, for the one input whose nesting is the user's to choose: EXPLAIN plans.
///
/// Written here rather than taken from Foundation because Foundation's `JSONSerialization` and
/// `JSONDecoder` refuse documents nested deeper than 512 levels, and each plan level is two JSON
/// levels (`{"Plans": [{…}]}`): a 300-table join's plan was "not valid JSON". No package in the
/// mirror parses JSON without such a limit. The parser keeps its own stack (no recursion), so
/// the bound is `JSONValue.maximumDepth`, chosen well above any plan PostgreSQL can print and
/// below what the recursive walks over `PlanNode` can take on an 8 MB thread stack.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  /// Members in document order (EXPLAIN's keys are unique; the last of a repeated key wins on lookup).
  case object([(key: String, value: JSONValue)])

  /// Nesting levels accepted: 4,096 JSON levels are 2,048 plan levels.
  public static let maximumDepth = 4096

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.number(let a), .number(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.array(let a), .array(let b)): a == b
    case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: false
    }
  }

  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.last { $0.key == key }?.value
  }

  public var string: String? { if case .string(let text) = self { text } else { nil } }
  public var number: Double? { if case .number(let value) = self { value } else { nil } }
  public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
  public var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
  public var isObject: Bool { if case .object = self { true } else { false } }
}

/// Why a document did not parse, with the byte offset where it stopped.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
  public let message: String
  public let offset: Int
  public var description: String { "\(message) at byte \(offset)" }
}

// MARK: - Parsing

extension JSONValue {
  public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
    var parser = JSONParser(bytes: Array(text.utf8))
    return try parser.document()
  }
}

/// An iterative recursive-descent parser: containers being filled live on `stack`.
private struct JSONParser {
  let bytes: [UInt8]
  var index = 0

  private enum Container {
    case array([JSONValue])
    case object([(key: String, value: JSONValue)], pendingKey: String?)
  }

  init(bytes: [UInt8]) { self.bytes = bytes }

  mutating func document() throws(JSONSyntaxError) -> JSONValue {
    let value = try value()
    skipWhitespace()
    guard index == bytes.count else { throw error("unexpected text after the JSON value") }
    return value
  }

  private mutating func value() throws(JSONSyntaxError) -> JSONValue {
    var stack: [Container] = []
    while true {
      skipWhitespace()
      var finished: JSONValue
      // Open a container, or read a scalar into `finished`.
      switch peek() {
      case UInt8(ascii: "["):
        index += 1
        try push(.array([]), onto: &stack)
        skipWhitespace()
        guard peek() == UInt8(ascii: "]") else { continue }
        index += 1
        stack.removeLast()
        finished = .array([])
      case UInt8(ascii: "{"):
        index += 1
        try push(.object([], pendingKey: nil), onto: &stack)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
          index += 1
          stack.removeLast()
          finished = .object([])
        } else {
          try readKey(into: &stack)
          continue
        }
      default:
        finished = try scalar()
      }
      // Hand the finished value to its container; close every container that ends here.
      while true {
        guard var top = stack.popLast() else { return finished }
        skipWhitespace()
        switch top {
        case .array(var items):
          items.append(finished)
          top = .array(items)
        case .object(var members, let key):
          members.append((key ?? "", finished))
          top = .object(members, pendingKey: nil)
        }
        let closing: UInt8 = if case .array = top { UInt8(ascii: "]") } else { UInt8(ascii: "}") }
        if peek() == UInt8(ascii: ",") {
          index += 1
          stack.append(top)
          if case .object = top { try readKey(into: &stack) }
          break
        }
        guard peek() == closing else { throw error("expected ',' or '\(Character(UnicodeScalar(closing)))'") }
        index += 1
        finished = switch top {
        case .array(let items): .array(items)
        case .object(let members, _): .object(members)
        }
      }
    }
  }

  private mutating func push(_ container: Container, onto stack: inout [Container]) throws(JSONSyntaxError) {
    guard stack.count < JSONValue.maximumDepth else {
      throw error("nested deeper than \(JSONValue.maximumDepth) levels")
    }
    stack.append(container)
  }

  /// `"key" :` of the object on top of the stack.
  private mutating func readKey(into stack: inout [Container]) throws(JSONSyntaxError) {
    skipWhitespace()
    guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
    let key = try stringLiteral()
    skipWhitespace()
    guard peek() == UInt8(ascii: ":") else { throw error("expected ':'") }
    index += 1
    guard case .object(let members, _) = stack.removeLast() else { return }
    stack.append(.object(members, pendingKey: key))
  }

  private mutating func scalar() throws(JSONSyntaxError) -> JSONValue {
    guard let byte = peek() else { throw error("unexpected end of input") }
    switch byte {
    case UInt8(ascii: "\""): return .string(try stringLiteral())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try numberLiteral())
    default: throw error("unexpected character")
    }
  }

  private mutating func literal(_ word: String) throws(JSONSyntaxError) {
    let expected = Array(word.utf8)
    guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
      throw error("unexpected word")
    }
    index += expected.count
  }

  private mutating func numberLiteral() throws(JSONSyntaxError) -> Double {
    let start = index
    if peek() == UInt8(ascii: "-") { index += 1 }
    let isNumberByte: (UInt8) -> Bool = {
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e")
        || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
    }
    while let byte = peek(), isNumberByte(byte) { index += 1 }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    guard let value = Double(text), value.isFinite else {
      index = start
      throw error("invalid number")
    }
    return value
  }

  /// Checks the string up to its closing quote (escapes well formed, no raw control character);
  /// the decoding of escapes is the parse tree's (`JSONString.unescape`).
  private mutating func stringLiteral() throws(JSONSyntaxError) -> String {
    index += 1  // the opening quote
    let start = index
    var escaped = false
    while true {
      guard let byte = peek() else { throw error("unterminated string") }
      switch byte {
      case UInt8(ascii: "\\"):
        escaped = true
        index += 1
        try checkEscape()
      case UInt8(ascii: "\""):
        index += 1
        let content = bytes[start..<index - 1]
        guard escaped else { return String(decoding: content, as: UTF8.self) }
        return content.withUnsafeBufferPointer { JSONString.unescape($0) }
      case 0..<0x20:
        throw error("control character in a string")
      default:
        index += 1
      }
    }
  }

  /// The escape after a backslash: one of `"\/bfnrt`, or `u` and four hex digits.
  private mutating func checkEscape() throws(JSONSyntaxError) {
    guard let byte = peek() else { throw error("unterminated string") }
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
      UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      index += 1
    case UInt8(ascii: "u"):
      guard bytes.count - index >= 5, bytes[(index + 1)...(index + 4)].allSatisfy({ $0.isHexDigit }) else {
        throw error("invalid \\u escape")
      }
      index += 5
    default:
      throw error("invalid escape")
    }
  }

  private mutating func skipWhitespace() {
    while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
  }

  private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

  private func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: index) }
}

// MARK: - Writing

extension JSONValue {
  /// Compact JSON; object keys sorted when `sortedKeys` (the stable form kept for plans).
  public func serialized(sortedKeys: Bool = false) -> String {
    var output = ""
    // An explicit stack of pending work, for the same reason the parser has one.
    enum Step { case value(JSONValue), text(String) }
    var steps: [Step] = [.value(self)]
    while let step = steps.popLast() {
      switch step {
      case .text(let text): output += text
      case .value(let value):
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += JSONValue.format(number)
        case .string(let text): JSONValue.appendQuoted(text, to: &output)
        case .array(let items):
          output += "["
          steps.append(.text("]"))
          for (position, item) in items.enumerated().reversed() {
            steps.append(.value(item))
            if position > 0 { steps.append(.text(",")) }
          }
        case .object(let members):
          output += "{"
          steps.append(.text("}"))
          let ordered = sortedKeys ? members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : members
          for (position, member) in ordered.enumerated().reversed() {
            steps.append(.value(member.value))
            var key = ""
            JSONValue.appendQuoted(member.key, to: &key)
            steps.append(.text((position > 0 ? "," : "") + key + ":"))
          }
        }
      }
    }
    return output
  }

  /// Integers without a fraction (`35.5`, `2550`), as PostgreSQL prints them.
  package static func format(_ number: Double) -> String {
    if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
    return "\(number)"
  }

  static func appendQuoted(_ text: String, to output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20:
        output += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
          + String(scalar.value, radix: 16)
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}

extension UInt8 {
  fileprivate var isHexDigit: Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
  }
}
