/// Finds where a keyword stands, for the few constructs whose parse-tree node records no position
/// (`UNION`, the `UPDATE` after a `WITH`). It runs PostgreSQL's own scanner over the byte range,
/// so keywords inside strings, identifiers and comments are never matched.
public enum SQLKeywordLocator {
  /// The byte offset of the first keyword token in `keywords` (lowercase) between `after` and
  /// `before`, or nil. `after` must be the start of a token (a node location is).
  public static func find(keywordIn keywords: Set<String>, source: SourceFile, after: Int, before: Int) -> Int? {
    guard after < before, before <= source.bytes.count else { return nil }
    return source.withNulTerminated { text -> Int? in
      let range = after..<before
      let scanned = StatementSplitter.withCString(text, range) { PgQuery.scan($0) }
      guard case .success(let tokens) = scanned else { return nil }
      for token in tokens where token.end - token.start <= 16 {
        let word = String(decoding: text[(after + token.start)..<(after + token.end)], as: UTF8.self)
        if keywords.contains(word.lowercased()) { return after + token.start }
      }
      return nil
    }
  }
}
