import PGTuneQuery
import TestSupport
import Testing

@Suite struct ParseTreeDecoderTests {
  private func firstTarget(_ sql: String) throws -> Node {
    let statement = try #require(StatementParser.parse(sql: sql).first)
    let root = try #require(statement.root, "\(statement.error?.message ?? "")")
    return try #require(root.list(.targetList).first?.node(.val))
  }

  /// libpg_query 15-4.0.0's JSON prints `"ival":{}` for every integer ≤ 0 (issue #243); the
  /// decoder restores them from the source text.
  @Test(arguments: [
    ("SELECT -5", Int64(-5)), ("SELECT 0", 0), ("SELECT 42", 42), ("SELECT - 3", -3),
    ("SELECT -/* c */ 7", -7), ("SELECT - -5", 5), ("SELECT -\n  2147483647", -2147483647),
  ])
  func integersIncludingNonPositiveOnes(sql: String, expected: Int64) throws {
    let constant = try firstTarget(sql)
    #expect(constant.kind == .aConst)
    #expect(constant.integerConstant == expected)
  }

  /// libpg_query writes PostgreSQL's "no location" (-1) and leaves a location of 0 out: -1 reads
  /// as none, an absent one as the start of the statement (whose first token is at 0).
  @Test func unknownAndAbsentLocations() throws {
    let statements = StatementParser.parse(sql: "SELECT 1;\n  SELECT a FROM t ORDER BY a;\nALTER TABLE t ALTER CONSTRAINT c DEFERRABLE")
    let sortBy = try #require(statements[1].root?.list(.sortClause).first)
    #expect(sortBy.kind == .sortBy)
    #expect(sortBy.location == nil)
    #expect(sortBy.node(.node)?.location == 37)
    let constraint = try #require(statements[2].root?.list(.cmds).first?.node(.def))
    #expect(constraint.kind == .constraint)
    #expect(constraint.location == statements[2].range.lowerBound)
    #expect(try #require(statements[0].root?.list(.targetList).first).location == 7)
  }

  @Test func typedFieldsWithoutStringMatching() throws {
    let statement = try #require(
      StatementParser.parse(sql: "SELECT a.id FROM public.accounts AS a WHERE a.email = 'x' LIMIT 10").first?.root)
    #expect(statement.kind == .selectStmt)
    let from = try #require(statement.list(.fromClause).first)
    #expect(from.kind == .rangeVar)
    #expect(from.string(.schemaname) == "public")
    #expect(from.string(.relname) == "accounts")
    #expect(from.node(.alias)?.string(.aliasname) == "a")
    let predicate = try #require(statement.node(.whereClause))
    #expect(predicate.isExpression("AEXPR_OP"))
    #expect(predicate.operatorName == "=")
    #expect(predicate.node(.lexpr)?.columnNameParts == ["a", "email"])
    #expect(predicate.node(.rexpr)?.stringConstant == "x")
    #expect(statement.node(.limitCount)?.integerConstant == 10)
    #expect(statement.string(.limitOption, is: "LIMIT_OPTION_COUNT"))
  }

  @Test func locationsAreFileOffsets() throws {
    let sql = "SELECT 1;\nSELECT x FROM t"
    let statements = StatementParser.parse(sql: sql)
    let column = try #require(statements[1].root?.list(.targetList).first?.node(.val))
    #expect(column.location == 17)
    #expect(statements[1].start == 10)
  }

  @Test func escapedStringsAreUnescaped() throws {
    #expect(try firstTarget("SELECT 'O''Brien'").stringConstant == "O'Brien")
    #expect(try firstTarget("SELECT E'a\\nb\\\\c\"d'").stringConstant == "a\nb\\c\"d")
    #expect(try firstTarget("SELECT 'été ☕ 😀'").stringConstant == "été ☕ 😀")
    #expect(try firstTarget("SELECT E'\\x01'").stringConstant == "\u{01}")
  }

  @Test func nullEntriesInListsAreNodes() throws {
    let select = try #require(StatementParser.parse(sql: "SELECT DISTINCT a FROM t").first?.root)
    #expect(select.list(.distinctClause).count == 1)
    #expect(select.list(.distinctClause).first?.kind == .node)
  }

  /// The decoder and the walker are iterative: 5,000 nested operators (which PostgreSQL's parser
  /// still accepts) must neither crash nor lose nodes.
  @Test func deeplyNestedExpressions() throws {
    let sql = "SELECT " + Array(repeating: "1", count: 5_000).joined(separator: " + ")
    let statement = try #require(StatementParser.parse(sql: sql).first)
    let root = try #require(statement.root)
    let entries = TreeWalker.walk(root)
    #expect(entries.filter { $0.node.kind == .aExpr }.count == 4_999)
    #expect(entries.filter { $0.node.kind == .aConst }.count == 5_000)
  }

  /// A JSON of many megabytes is given back to the kernel as the decoder reads it: what was read
  /// is never read again, so every value, early and late, survives, by piece and by statement.
  @Test func aHugeStatementDecodesWhileItsJSONIsGivenBack() throws {
    let values = (0..<250_001).map { $0 % 3 == 0 ? "'v\($0)'" : String($0 - 7) }
    let sql = "SELECT 'first', x FROM t WHERE a IN (" + values.joined(separator: ", ") + ") AND b = 'last'"
    let source = SourceFile(name: "huge.sql", bytes: Array((sql + ";\n").utf8))
    let byPiece = try StatementParser.parsePiece(source, range: 0..<source.bytes.count, into: [ParsedStatement]()) {
      $0.append($1)
    }.get()
    for statement in [try #require(byPiece.first), StatementParser.parse(source, range: 0..<sql.utf8.count)] {
      let root = try #require(statement.root, "\(statement.error?.message ?? "")")
      #expect(root.list(.targetList).first?.node(.val)?.stringConstant == "first")
      let conditions = try #require(root.node(.whereClause)?.list(.args))
      let list = try #require(conditions.first?.node(.rexpr)).list(.items)
      #expect(list.count == values.count)
      #expect(list.first?.stringConstant == "v0")
      #expect(list[1].integerConstant == -6)
      let last = try #require(list.last?.integerConstant)
      #expect(last == Int64(250_000 - 7), "\(last)")
      #expect(conditions.last?.node(.rexpr)?.stringConstant == "last")
      #expect(statement.fingerprint == (try SQLText.fingerprint(sql)))
    }
  }

  @Test func unrecoverableIntegersAreFlagged() throws {
    let tree = try #require(StatementParser.parse(sql: "CREATE SEQUENCE s INCREMENT -1").first?.tree)
    #expect(tree.hasUnrecoverableIntegers)
    let plain = try #require(StatementParser.parse(sql: "SELECT -1").first?.tree)
    #expect(!plain.hasUnrecoverableIntegers)
  }
}
