/// An ignore comment: `-- pgtune-query: ignore select-star, large-offset` silences rules for the
/// statement that follows it; `-- pgtune-query: ignore-file select-star` for the whole file.
/// A bare `ignore` (no ids) silences every rule for that statement.
package struct SuppressionDirective: Equatable {
  package enum Kind { case statement, file }
  package let kind: Kind
  package let rules: [String]
  /// Byte offset of the comment in the file, to point at a mistyped rule id.
  package var offset = 0

  package static let marker = "pgtune-query:"

  package static func parse(comments: [SQLTrivia.Comment], in text: UnsafeBufferPointer<UInt8>)
    -> [SuppressionDirective]
  {
    comments.compactMap { comment in
      guard startsWith(marker, text, comment),
        var directive = parse(String(decoding: UnsafeBufferPointer(rebasing: text[comment.text]), as: UTF8.self))
      else { return nil }
      directive.offset = comment.text.lowerBound
      return directive
    }
  }

  /// Whether a comment's text (after blanks and `*`) starts with `word`, checked on bytes: most
  /// comments are prose, and making a String of each one showed up in profiles.
  static func startsWith(_ word: String, _ text: UnsafeBufferPointer<UInt8>, _ comment: SQLTrivia.Comment) -> Bool {
    var position = comment.text.lowerBound
    while position < comment.text.upperBound,
      text[position] == 0x20 || text[position] == 0x09 || text[position] == UInt8(ascii: "*")
    {
      position += 1
    }
    var wordBytes = word.utf8.makeIterator()
    while let expected = wordBytes.next() {
      guard position < comment.text.upperBound, text[position] == expected else { return false }
      position += 1
    }
    return true
  }

  static func parse(_ comment: String) -> SuppressionDirective? {
    let trimmed = comment.drop { $0 == " " || $0 == "\t" || $0 == "*" }
    guard trimmed.hasPrefix(marker) else { return nil }
    let words = trimmed.dropFirst(marker.count)
      .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "*" || $0 == "/" })
      .map(String.init)
    guard let verb = words.first else { return nil }
    switch verb {
    case "ignore": return SuppressionDirective(kind: .statement, rules: Array(words.dropFirst()))
    case "ignore-file": return SuppressionDirective(kind: .file, rules: Array(words.dropFirst()))
    default: return nil
    }
  }
}

/// Other comments before a statement that `check` reads: `-- name: get_orders` (the key of the
/// statement's baseline entry, so a reworded query keeps it) and
/// `-- pgtune-query: max-cost-increase 50%`.
package struct StatementDirectives: Equatable {
  package var name: String?
  package var maxCostIncrease: Double?

  static func parse(comments: [SQLTrivia.Comment], in text: UnsafeBufferPointer<UInt8>) -> StatementDirectives {
    var result = StatementDirectives()
    for comment in comments
    where SuppressionDirective.startsWith("name:", text, comment)
      || SuppressionDirective.startsWith(SuppressionDirective.marker, text, comment)
    {
      let body = String(decoding: UnsafeBufferPointer(rebasing: text[comment.text]), as: UTF8.self)
        .trimmingCharacters(in: .whitespaces)
      if body.hasPrefix("name:") {
        let name = body.dropFirst("name:".count).trimmingCharacters(in: .whitespaces)
        if let word = name.split(separator: " ").first { result.name = String(word) }
      } else if body.hasPrefix(SuppressionDirective.marker) {
        let words = body.dropFirst(SuppressionDirective.marker.count).split(separator: " ")
        if words.first == "max-cost-increase", words.count > 1 {
          let value = words[1].trimmingCharacters(in: CharacterSet(charactersIn: "%"))
          result.maxCostIncrease = Double(value).map { $0 / 100 }
        }
      }
    }
    return result
  }
}

import Foundation
