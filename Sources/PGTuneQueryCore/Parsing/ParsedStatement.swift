/// One statement of a source file, parsed.
public struct ParsedStatement: Sendable {
  /// Bytes of the statement in its file, as the splitter gave them (leading comments included).
  public let range: Range<Int>
  /// Byte offset of the statement's first token (after leading blanks and comments).
  public let start: Int
  /// The typed parse tree, or nil when the statement does not parse.
  public let tree: SyntaxTree?
  /// The statement node itself (`SelectStmt`, `UpdateStmt`, …).
  public var root: Node? { tree?.statements.first }
  /// libpg_query's fingerprint: the same for queries that differ only in constants.
  public let fingerprint: String?
  /// Why the statement does not parse; the offset is within the file.
  public let error: PgQueryError?
  /// Rule ids silenced for this statement by `-- pgtune-query: ignore …` (empty set = none;
  /// `ignoresAll` for a bare `ignore`).
  public let ignoredRules: Set<String>
  public let ignoresAll: Bool
  /// `-- name: …` and `-- pgtune-query: max-cost-increase N%` before the statement.
  package var directives = StatementDirectives()
  /// The ignore comments before the statement (their rule ids are checked by the analyzer).
  package var suppressions: [SuppressionDirective] = []
}

/// Parses source files into statements: split, then parse and fingerprint each statement.
public enum StatementParser {
  /// Splits `source` into statement ranges (see `StatementSplitter`); a large file is split on
  /// up to `workers` threads.
  public static func split(_ source: SourceFile, workers: Int = 1) -> [Range<Int>] {
    source.withNulTerminated { StatementSplitter.split($0, workers: workers) }
  }

  /// The statements from `start` (a place between statements) to the end of `source`, as
  /// `split` finds them in a file that begins there.
  package static func split(_ source: SourceFile, from start: Int) -> [Range<Int>] {
    source.withNulTerminated { StatementSplitter.split($0, from: start) }
  }

  /// Pieces of `source` to parse whole with `parsePiece`: enough for `workers` threads.
  package static func pieces(_ source: SourceFile, workers: Int) -> [Range<Int>] {
    source.withNulTerminated { StatementSplitter.pieces($0, workers: workers) }
  }

  /// Parses the statement at `range` of `source`; the fingerprint comes from the same parse.
  /// Callers that never show or key on it (a rewrite's proof, the statements inside a function
  /// body) leave it out and skip its tree walk.
  public static func parse(_ source: SourceFile, range: Range<Int>, fingerprinted: Bool = true) -> ParsedStatement {
    source.withNulTerminated { text in
      let statementBytes = UnsafeBufferPointer(rebasing: text[range])
      let parse = StatementSplitter.withCString(text, range) { cString in
        PgQuery.withParseTree(cString) { json in
          decode(json, text: statementBytes, baseOffset: range.lowerBound, fingerprinted: fingerprinted) {
            try? PgQuery.fingerprint(cString).get()
          }
        }
      }
      switch parse {
      case .success(let decoded): return statement(text, range: range, decoded: decoded)
      case .failure(let error):
        let offset = error.byteOffset.map { range.lowerBound + $0 }
        return statement(text, range: range, error: PgQueryError(message: error.message, byteOffset: offset))
      }
    }
  }

  /// Splits and parses the whole statements at `range` of `source` (a piece of a file that starts
  /// and ends between statements) in one pass of the grammar, handing each statement in order,
  /// fingerprinted, to `add`, which folds it into the piece's result (starting from `initial`);
  /// the same statements, ranges and trees as `split` then `parse` give, with half the parsing.
  /// Fails, without calling `add`, when the piece does not parse as a
  /// whole: a syntax error in it, or a cut that was not between statements after all (the error's
  /// offset counts from the start of the file).
  package static func parsePiece<Piece>(
    _ source: SourceFile, range: Range<Int>, into initial: Piece, _ add: (inout Piece, ParsedStatement) -> Void
  ) -> Result<Piece, PgQueryError> {
    source.withNulTerminated { text in
      let pieceBytes = UnsafeBufferPointer(rebasing: text[range])
      let parsed = StatementSplitter.withCString(text, range) { cString in
        PgQuery.withParsedPiece(cString) { piece in
          var result = initial
          for (index, local) in piece.ranges.enumerated() {
            let statementRange = (local.lowerBound + range.lowerBound)..<(local.upperBound + range.lowerBound)
            let decoded = piece.withStatementTree(index) { json in
              decode(
                json, text: pieceBytes, baseOffset: range.lowerBound, absentLocation: local.lowerBound, fingerprinted: true
              ) {
                StatementSplitter.withCString(text, statementRange) { try? PgQuery.fingerprint($0).get() }
              }
            }
            add(&result, statement(text, range: statementRange, decoded: decoded))
          }
          return result
        }
      }
      return parsed.mapError { error in
        PgQueryError(message: error.message, byteOffset: error.byteOffset.map { range.lowerBound + $0 })
      }
    }
  }

  private typealias Decoded = Result<(tree: SyntaxTree, fingerprint: String?), ParseTreeDecoder.Malformed>

  /// The tree, and when `fingerprinted` its fingerprint: computed from the tree
  /// (`QueryFingerprint`), or by `libpgQueryFingerprint` (libpg_query over the statement's text)
  /// when the tree lacks what the fingerprint reads; it makes the statement's C string only then.
  /// (Closures not stored: an optional one was a heap allocation per statement.)
  private static func decode(
    _ json: UnsafeBufferPointer<UInt8>, text: UnsafeBufferPointer<UInt8>, baseOffset: Int, absentLocation: Int = 0,
    fingerprinted: Bool, libpgQueryFingerprint: () -> String?
  ) -> Decoded {
    Result { () throws(ParseTreeDecoder.Malformed) in
      let tree = try ParseTreeDecoder.decode(
        json: json, text: text, baseOffset: baseOffset, absentLocation: absentLocation
      ) { PgQuery.discard($0, of: json) }
      guard fingerprinted else { return (tree, nil) }
      return (tree, QueryFingerprint.hash(tree).map(PgQuery.fingerprintText) ?? libpgQueryFingerprint())
    }
  }

  private static func statement(_ text: UnsafeBufferPointer<UInt8>, range: Range<Int>, decoded: Decoded) -> ParsedStatement {
    switch decoded {
    case .success(let (tree, fingerprint)): statement(text, range: range, tree: tree, fingerprint: fingerprint)
    case .failure(let malformed):
      statement(
        text, range: range, error: PgQueryError(message: malformed.description, byteOffset: SQLTrivia.skipLeading(text, in: range).start))
    }
  }

  /// The statement with what the comments before it say (ignores, name, cost allowance).
  private static func statement(
    _ text: UnsafeBufferPointer<UInt8>, range: Range<Int>, tree: SyntaxTree? = nil, fingerprint: String? = nil,
    error: PgQueryError? = nil
  ) -> ParsedStatement {
    let (start, comments) = SQLTrivia.skipLeading(text, in: range)
    let directives = SuppressionDirective.parse(comments: comments, in: text)
    var parsed = ParsedStatement(
      range: range, start: start, tree: tree, fingerprint: fingerprint, error: error,
      ignoredRules: Set(directives.flatMap { $0.kind == .statement ? $0.rules : [] }),
      ignoresAll: directives.contains { $0.kind == .statement && $0.rules.isEmpty })
    parsed.directives = StatementDirectives.parse(comments: comments, in: text)
    parsed.suppressions = directives.filter { $0.kind == .statement }
    return parsed
  }

  /// Parses an SQL string on its own (for tests, rule examples and rewrites).
  public static func parse(sql: String, name: String = "<sql>") -> [ParsedStatement] {
    let source = SourceFile(name: name, bytes: Array(sql.utf8))
    return split(source).map { parse(source, range: $0) }
  }
}

/// Libpg_query's normalize, fingerprint and deparse, for callers outside the parsing layer.
public enum SQLText {
  /// Replaces constants with `$n` placeholders.
  public static func normalize(_ sql: String) throws(PgQueryError) -> String {
    try PgQuery.normalize(sql).get()
  }

  /// libpg_query's fingerprint of a statement.
  public static func fingerprint(_ sql: String) throws(PgQueryError) -> String {
    try sql.withCString { PgQuery.fingerprint($0) }.get()
  }

  /// Parses and deparses `sql`: the canonical text PostgreSQL's deparser produces.
  public static func deparse(_ sql: String) throws(PgQueryError) -> String {
    try PgQuery.deparse(protobuf: try PgQuery.parseProtobuf(sql).get()).get()
  }

  /// The statements rewrites may produce. libpg_query 15-4.0.0's deparser reads freed or foreign
  /// memory on some utility statements (measured: `COPY … (force_not_null *)` crashes it), so
  /// only the query statements that rewrites touch are ever deparsed.
  public static let deparsableKinds: Set<NodeKind> = [.selectStmt, .insertStmt, .updateStmt, .deleteStmt, .indexStmt]

  /// Turns an (edited) statement node back into SQL with libpg_query's deparser, then parses the
  /// result again: libpg_query 15-4.0.0 deparses a few constructs wrongly (a quoted `OUT`
  /// parameter name comes out unquoted), so SQL that does not re-parse is an error, never shown.
  public static func deparse(_ statement: EditableNode) throws(PgQueryError) -> String {
    guard deparsableKinds.contains(statement.kind) else {
      throw PgQueryError(message: "only queries (SELECT, INSERT, UPDATE, DELETE) and CREATE INDEX are deparsed", byteOffset: nil)
    }
    let root = EditableNode(
      .parseResult,
      [.version: .integer(150_001), .stmts: .list([EditableNode(.rawStmt, [.stmt: .node(statement)])])])
    let protobuf: [UInt8]
    do {
      protobuf = try ProtobufEncoder.encodeMessage(root)
    } catch {
      throw PgQueryError(message: "unknown enum value '\(error.name)' in an edited tree", byteOffset: nil)
    }
    let sql = try PgQuery.deparse(protobuf: protobuf).get()
    // The grammar alone says whether it parses: libpg_query's split runs it without writing a
    // tree out (the protobuf parse this used to be packed a tree nobody read, 2% of analyze).
    if case .failure(let error) = sql.withCString({ PgQuery.splitWithParser($0) }) {
      throw PgQueryError(message: "deparsed SQL does not parse (\(error.message)): \(sql)", byteOffset: nil)
    }
    return sql
  }
}
