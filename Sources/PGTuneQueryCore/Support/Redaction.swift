/// Passwords out of anything the tool prints: `scheme://user:secret@host` → `scheme://user:***@host`
/// and `password=secret` → `password=***`, also in text a library echoed (libpq quotes a bad URI
/// back whole, password included).
public enum Redaction {
  public static func redact(_ text: String) -> String {
    var output = ""
    var rest = Substring(text)
    while let scheme = rest.range(of: "://") {
      output += rest[..<scheme.upperBound]
      rest = rest[scheme.upperBound...]
      // userinfo ends at the last '@' before the next '/', space or quote.
      let authorityEnd = rest.firstIndex { $0 == "/" || $0 == " " || $0 == "\"" || $0 == "'" } ?? rest.endIndex
      let authority = rest[..<authorityEnd]
      if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
        output += authority[...colon] + "***" + authority[at...]
        rest = rest[authorityEnd...]
      }
    }
    output += rest
    return redactKeywordPasswords(output)
  }

  /// `password=secret` / `password='se cret'` in a conninfo.
  static func redactKeywordPasswords(_ text: String) -> String {
    guard let range = text.range(of: "password=") else { return text }
    let output = String(text[..<range.upperBound]) + "***"
    var rest = text[range.upperBound...]
    if rest.first == "'" {
      rest = rest.dropFirst()
      while let character = rest.first, character != "'" { rest = rest.dropFirst(character == "\\" ? 2 : 1) }
      rest = rest.dropFirst()
    } else {
      while let character = rest.first, !character.isWhitespace { rest = rest.dropFirst() }
    }
    return output + redactKeywordPasswords(String(rest))
  }
}
