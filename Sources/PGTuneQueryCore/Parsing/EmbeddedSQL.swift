/// SQL inside a function body or a `DO` block — a string literal to the SQL parser — found and
/// placed back in the file, so the static rules can run on it and report at its own
/// `file:line:col`.
///
/// `LANGUAGE sql` bodies are SQL as they stand. PL/pgSQL bodies go through libpg_query's
/// PL/pgSQL parser, which gives each statement's SQL (`UPDATE …`, a `PERFORM`'s query as
/// `SELECT …`, an `IF`'s condition, an assignment's expression) and its line in the body; the
/// text is then found from that line on. Expressions are checked as `SELECT <expression>`.
public struct EmbeddedSQL: Sendable, Equatable {
  /// What to parse.
  public let text: String
  /// Bytes at the start of `text` that are not in the file (`SELECT ` put before an expression).
  public let addedPrefix: Int
  /// File offset of `text`'s byte `addedPrefix`.
  public let fileStart: Int

  /// Where a byte of `text` is in the file (one inside the added prefix: where the text starts).
  public func fileOffset(_ offset: Int) -> Int { fileStart + max(0, offset - addedPrefix) }

  /// The SQL embedded in a `CREATE FUNCTION`/`CREATE PROCEDURE` or `DO` statement, if any.
  public static func find(in statement: ParsedStatement, root: Node, source: SourceFile) -> [EmbeddedSQL] {
    guard let (body, language) = Self.body(of: root) else { return [] }
    let statementBytes = source.bytes[statement.range]
    guard let bodyStart = Self.firstIndex(of: Array(body.utf8), in: statementBytes) else { return [] }
    switch language {
    case "sql":
      return [EmbeddedSQL(text: body, addedPrefix: 0, fileStart: bodyStart)]
    case "plpgsql":
      let sql = String(decoding: statementBytes, as: UTF8.self)
      guard case .success(let json) = PgQuery.parsePlpgsql(sql), let tree = try? JSONValue.parse(json) else { return [] }
      let bodyBytes = Array(body.utf8)
      var lineStarts = [0]
      for (index, byte) in bodyBytes.enumerated() where byte == 0x0A { lineStarts.append(index + 1) }
      var found: [EmbeddedSQL] = []
      var searchFrom = 0
      for (query, line) in expressions(in: tree) {
        let lineStart = lineStarts[min(max(line - 1, 0), lineStarts.count - 1)]
        guard let located = locate(query, in: bodyBytes, from: max(lineStart, min(searchFrom, lineStart))) else { continue }
        searchFrom = located.end
        found.append(EmbeddedSQL(text: located.text, addedPrefix: located.addedPrefix, fileStart: bodyStart + located.start))
      }
      return found
    default:
      return []
    }
  }

  /// The body text and language of a function or DO block (`AS $$…$$`, `LANGUAGE x`).
  static func body(of root: Node) -> (String, String)? {
    let options: NodeList
    switch root.kind {
    case .createFunctionStmt: options = root.list(.options)
    case .doStmt: options = root.list(.args)
    default: return nil
    }
    var body: String?
    var language = root.kind == .doStmt ? "plpgsql" : nil
    for option in options where option.kind == .defElem {
      switch option.string(.defname) {
      case "as":
        guard let argument = option.node(.arg) else { continue }
        // CREATE FUNCTION: a list (body, or C's object file and symbol); DO: the string itself.
        body = argument.kind == .list ? (argument.names(.items).count == 1 ? argument.names(.items).first : nil)
          : argument.string(.sval)
      case "language":
        language = option.node(.arg)?.string(.sval)?.lowercased()
      default:
        continue
      }
    }
    guard let body, let language else { return nil }
    return (body, language)
  }

  /// Every `PLpgSQL_expr` query of the function tree, with the line of the statement holding it.
  /// An assignment's query is its expression alone (`n := …` and `n = …` both assign).
  static func expressions(in tree: JSONValue) -> [(query: String, line: Int)] {
    var found: [(String, Int)] = []
    var stack: [(value: JSONValue, line: Int, inAssignment: Bool)] = [(tree, 1, false)]
    while let (value, inherited, inAssignment) = stack.popLast() {
      switch value {
      case .array(let items):
        for item in items.reversed() { stack.append((item, inherited, inAssignment)) }
      case .object(let members):
        let line = members.first { $0.key == "lineno" }?.value.number.map(Int.init) ?? inherited
        if let expression = members.first(where: { $0.key == "PLpgSQL_expr" })?.value,
          let query = expression["query"]?.string
        {
          found.append((inAssignment ? assignedExpression(query) : query, line))
          continue
        }
        for member in members.reversed() {
          stack.append((member.value, line, inAssignment || member.key == "PLpgSQL_stmt_assign"))
        }
      default:
        continue
      }
    }
    return found
  }

  /// `target := expression` or `target = expression` → the expression.
  static func assignedExpression(_ query: String) -> String {
    if let operation = query.range(of: ":=") ?? query.range(of: "=") { return String(query[operation.upperBound...]) }
    return query
  }

  /// Finds the query in the body from `start` on: as it stands (a statement), a `PERFORM`'s
  /// query after its keyword (PL/pgSQL hands it over as `SELECT …`), or an expression (an `IF`
  /// condition, an assignment's value).
  static func locate(_ query: String, in body: [UInt8], from start: Int)
    -> (text: String, addedPrefix: Int, start: Int, end: Int)?
  {
    let select = "SELECT "
    let tail = body[min(start, body.count)...]
    func find(_ text: String) -> (Int, Int)? {
      let needle = Array(text.utf8)
      return needle.isEmpty ? nil : firstIndex(of: needle, in: tail).map { ($0, $0 + needle.count) }
    }
    if startsWithStatementKeyword(query) {
      if let (from, to) = find(query) { return (query, 0, from, to) }
      if query.hasPrefix(select), let (from, to) = find(String(query.dropFirst(select.count))) {
        return (query, select.utf8.count, from, to)
      }
      return nil
    }
    let expression = query.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let (from, to) = find(expression) else { return nil }
    return (select + expression, select.utf8.count, from, to)
  }

  /// Whether PL/pgSQL handed over a statement (`UPDATE …`, a PERFORM's `SELECT …`) rather than
  /// an expression: its first word is a statement keyword. A keyword test instead of a parse: the
  /// rules parse the text anyway, and a function body holds dozens of expressions.
  static func startsWithStatementKeyword(_ query: String) -> Bool {
    let word = query.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }.prefix { $0.isLetter }.uppercased()
    return statementKeywords.contains(word)
  }

  static let statementKeywords: Set<String> = [
    "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "MERGE", "VALUES", "TABLE", "CREATE", "ALTER", "DROP", "TRUNCATE",
    "GRANT", "REVOKE", "LOCK", "SET", "RESET", "SHOW", "COPY", "CALL", "ANALYZE", "VACUUM", "REFRESH", "NOTIFY",
    "LISTEN", "UNLISTEN", "COMMENT", "EXPLAIN", "REINDEX", "CLUSTER", "SECURITY", "DISCARD", "IMPORT", "REASSIGN",
  ]

  static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
    guard let first = needle.first, needle.count <= haystack.count else { return nil }
    var index = haystack.startIndex
    let last = haystack.endIndex - needle.count
    while index <= last {
      if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) { return index }
      index += 1
    }
    return nil
  }
}
