/// Quotes identifiers exactly when PostgreSQL requires it, as `quote_ident` does: lower-case
/// letters, digits, `_` and `$` (not first) pass as they are, unless the word is a keyword other
/// than an unreserved one — which PostgreSQL's own scanner tells us.
public enum SQLIdentifier {
  public static func quote(_ name: String) -> String {
    let bytes = Array(name.utf8)
    let plain =
      !bytes.isEmpty && !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[0]) && bytes[0] != UInt8(ascii: "$")
      && bytes.allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
      }
    if plain && !isKeyword(name) { return name }
    return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// `schema.name`, each part quoted as needed.
  public static func qualified(_ schema: String, _ name: String) -> String { quote(schema) + "." + quote(name) }

  private static func isKeyword(_ word: String) -> Bool {
    guard case .success(let tokens) = word.withCString({ PgQuery.scan($0) }), tokens.count == 1 else { return false }
    return tokens[0].keywordKind > 1
  }
}
