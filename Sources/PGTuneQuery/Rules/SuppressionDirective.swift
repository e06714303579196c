/// An ignore comment: `-- pgtune-query: ignore select-star, large-offset` silences rules for the
/// statement that follows it; `-- pgtune-query: ignore-file select-star` for the whole file.
/// A bare `ignore` (no ids) silences every rule for that statement.
struct SuppressionDirective: Equatable {
  enum Kind { case statement, file }
  let kind: Kind
  let rules: [String]

  static let marker = "pgtune-query:"

  static func parse(comments: [SQLTrivia.Comment], in text: UnsafeBufferPointer<UInt8>)
    -> [SuppressionDirective]
  {
    comments.compactMap { comment in
      parse(String(decoding: UnsafeBufferPointer(rebasing: text[comment.text]), as: UTF8.self))
    }
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
