/// Builds rewrites for findings, each on the parse tree, and keeps only those that prove
/// themselves: the rewritten SQL deparses, parses again, and no longer triggers its rule.
/// (With a database, `LiveAnalyzer` also EXPLAINs them and drops any that cost more.)
public enum Rewriter {
  public struct Options: Sendable {
    /// Add `LIMIT n` to SELECTs without one (opt-in: `--suggest-limit`).
    public var suggestLimit: Int?
    public init(suggestLimit: Int? = nil) { self.suggestLimit = suggestLimit }
  }

  public static func rewrites(
    for root: Node, findings: Set<String>, catalog: CatalogFacts?, options: Options = Options()
  ) -> [Rewrite] {
    guard SQLText.deparsableKinds.contains(root.kind), mayRewrite(root, findings: findings, options: options),
      let original = try? root.editable()
    else { return [] }
    var candidates: [(String, EditableNode?, String?)] = []
    if findings.contains("compare-to-null") {
      candidates.append(
        ("compare-to-null", compareToNull(original), "fixes a bug, so results change: the original condition matched no row"))
    }
    if findings.contains("or-to-in") { candidates.append(("or-to-in", orToIn(original), nil)) }
    if findings.contains("not-in-subquery") {
      let (rewritten, caveat) = notInToNotExists(original, root: root, catalog: catalog)
      candidates.append(("not-in-subquery", rewritten, caveat))
    }
    if findings.contains("count-for-existence") { candidates.append(("count-for-existence", countToExists(original), nil)) }
    if findings.contains("cartesian-join") == false, let explicit = commaJoinToExplicit(original) {
      candidates.append(("implicit-join", explicit, nil))
    }
    if findings.contains("select-star"), let catalog, let expanded = expandStar(original, root: root, catalog: catalog) {
      candidates.append(("select-star", expanded, nil))
    }
    if findings.contains("union-without-all"), let disjoint = unionAll(original) {
      candidates.append(("union-without-all", disjoint, nil))
    }
    if findings.contains("large-offset"), let catalog, let keyset = keysetPagination(original, root: root, catalog: catalog) {
      candidates.append(
        ("large-offset", keyset, "a suggested shape: $1… are the sort key values of the last row of the previous page"))
    }
    if let limit = options.suggestLimit, root.kind == .selectStmt, original[.limitCount] == nil,
      original.text(.op) == "SETOP_NONE"
    {
      var limited = original
      limited[.limitCount] = .node(.integerConstant(Int64(limit)))
      limited[.limitOption] = .string("LIMIT_OPTION_COUNT")
      candidates.append(("suggest-limit", limited, "returns at most \(limit) rows: the caller must page through the rest"))
    }
    return candidates.compactMap { rule, rewritten, caveat in
      guard let rewritten, rewritten != original, let sql = try? SQLText.deparse(rewritten),
        proves(sql, fixes: rule)
      else { return nil }
      return Rewrite(rule: rule, sql: sql, caveat: caveat)
    }
  }

  /// The rewrite's own rule must be silent on it (rewrites that are not rule fixes — implicit
  /// joins, LIMIT — only need to parse).
  static func proves(_ sql: String, fixes rule: String) -> Bool {
    let source = SourceFile(name: "rewrite.sql", bytes: Array(sql.utf8))
    let ranges = StatementParser.split(source)
    guard ranges.count == 1 else { return false }
    let statement = StatementParser.parse(source, range: ranges[0])
    guard let root = statement.root else { return false }
    guard let type = AllRules.queryRules.first(where: { $0.description.id == rule }) else { return true }
    let context = RuleContext(
      source: source, statement: statement, root: root, entries: TreeWalker.walk(root), options: [:])
    return type.init().check(context).isEmpty
  }

  /// Rules whose findings have a rewrite.
  public static let rewritableRules: Set<String> = [
    "compare-to-null", "or-to-in", "not-in-subquery", "count-for-existence", "select-star", "union-without-all",
    "large-offset",
  ]

  /// Whether a statement may have a rewrite at all (cheap: decides before copying the tree).
  static func mayRewrite(_ root: Node, findings: Set<String>, options: Options) -> Bool {
    !findings.isDisjoint(with: rewritableRules) || options.suggestLimit != nil
      || (root.kind == .selectStmt && root.list(.fromClause).count >= 2)
  }

  // MARK: - compare-to-null → IS [NOT] NULL

  static func compareToNull(_ statement: EditableNode) -> EditableNode {
    statement.transformed { node in
      guard node.kind == .aExpr, node.text(.kind) == "AEXPR_OP", let name = node.names(.name).last,
        ["=", "<>", "!="].contains(name), let left = node.child(.lexpr), let right = node.child(.rexpr)
      else { return nil }
      let operand: EditableNode
      if right.isNullConstant { operand = left } else if left.isNullConstant { operand = right } else { return nil }
      return EditableNode(
        .nullTest, [.arg: .node(operand), .nulltesttype: .string(name == "=" ? "IS_NULL" : "IS_NOT_NULL")])
    }
  }

  // MARK: - or-to-in → IN (…)

  static func orToIn(_ statement: EditableNode) -> EditableNode {
    statement.transformed { node in
      guard node.kind == .boolExpr, node.text(.boolop) == "OR_EXPR" else { return nil }
      var column: EditableNode?
      var values: [EditableNode] = []
      for argument in node.items(.args) {
        guard argument.kind == .aExpr, argument.text(.kind) == "AEXPR_OP", argument.names(.name) == ["="],
          let left = argument.child(.lexpr), let right = argument.child(.rexpr)
        else { return nil }
        let (key, value) = left.kind == .columnRef && right.isColumnFree ? (left, right) : (right, left)
        guard key.kind == .columnRef, value.isColumnFree, column == nil || strippedLocations(column!) == strippedLocations(key)
        else { return nil }
        column = key
        values.append(value)
      }
      guard let column, values.count >= 2 else { return nil }
      return EditableNode(
        .aExpr,
        [.kind: .string("AEXPR_IN"), .name: .list([.string("=")]), .lexpr: .node(column),
          .rexpr: .node(EditableNode(.list, [.items: .list(values)]))])
    }
  }

  // MARK: - not-in-subquery → NOT EXISTS

  static func notInToNotExists(_ statement: EditableNode, root: Node, catalog: CatalogFacts?) -> (EditableNode, String?) {
    var nullable = false
    let rewritten = statement.transformed { query in
      guard [.selectStmt, .updateStmt, .deleteStmt].contains(query.kind), let predicate = query.child(.whereClause) else {
        return nil
      }
      // Inside the subquery an unqualified outer column would bind to the subquery's own tables:
      // qualify it with the outer query's only table, or leave the statement alone.
      let outerItems = query.kind == .selectStmt ? query.items(.fromClause) : [query.child(.relation)].compactMap { $0 }
      let qualifier: String? =
        outerItems.count == 1 && outerItems[0].kind == .rangeVar
        ? outerItems[0].child(.alias)?.text(.aliasname) ?? outerItems[0].text(.relname) : nil
      var changed = false
      let rewrittenConjuncts = conjuncts(predicate).map { conjunct -> EditableNode in
        guard conjunct.kind == .boolExpr, conjunct.text(.boolop) == "NOT_EXPR", let sublink = conjunct.items(.args).first,
          sublink.kind == .subLink, sublink.text(.subLinkType) == "ANY_SUBLINK", var outer = sublink.child(.testexpr),
          var inner = sublink.child(.subselect), inner.items(.targetList).count == 1,
          let innerColumn = inner.items(.targetList).first?.child(.val), outer.kind == .columnRef
        else { return conjunct }
        let parts = outer.items(.fields).compactMap { $0.text(.sval) }
        if parts.count == 1 {
          guard let qualifier else { return conjunct }
          outer = .columnReference([qualifier, parts[0]])
        }
        nullable = nullable || !provablyNotNull(outer, catalog: catalog) || !provablyNotNull(innerColumn, catalog: catalog)
        let existing = inner.child(.whereClause)
        inner = inner.selectingOne()
        inner[.whereClause] = .node(.and([existing, .operation("=", innerColumn, outer)].compactMap { $0 }))
        changed = true
        return .exists(inner, negated: true)
      }
      guard changed else { return nil }
      var copy = query
      copy[.whereClause] = .node(.and(rewrittenConjuncts))
      return copy
    }
    let caveat =
      nullable
      ? "equivalent only if neither column can be NULL: NOT IN returns no row when the subquery yields a NULL, NOT EXISTS ignores it"
      : nil
    return (rewritten, caveat)
  }

  /// A column is provably NOT NULL when its name is unique among the catalog's tables that
  /// have it and that column is declared NOT NULL there.
  static func provablyNotNull(_ column: EditableNode, catalog: CatalogFacts?) -> Bool {
    guard let catalog, column.kind == .columnRef, let name = column.items(.fields).last?.text(.sval) else { return false }
    let owners = catalog.columns.values.flatMap { $0 }.filter { $0.name == name }
    return !owners.isEmpty && owners.allSatisfy(\.notNull)
  }

  // MARK: - count-for-existence → EXISTS

  static func countToExists(_ statement: EditableNode) -> EditableNode? {
    // SELECT count(*) > 0 FROM t WHERE …  →  SELECT EXISTS (SELECT 1 FROM t WHERE …)
    if statement.kind == .selectStmt, statement.items(.targetList).count == 1,
      let target = statement.items(.targetList).first?.child(.val), let negated = existenceTest(target, counted: isCount),
      statement.items(.groupClause).isEmpty, statement.child(.havingClause) == nil, !statement.items(.fromClause).isEmpty
    {
      var inner = statement.selectingOne()
      inner[.sortClause] = nil
      let outer = EditableNode(
        .selectStmt,
        [
          .targetList: .list([EditableNode(.resTarget, [.val: .node(.exists(inner, negated: negated))])]),
          .limitOption: .string("LIMIT_OPTION_DEFAULT"), .op: .string("SETOP_NONE"),
        ])
      return outer
    }
    // (SELECT count(*) FROM …) > 0  →  EXISTS (SELECT 1 FROM …)
    return statement.transformed { node in
      guard let negated = existenceTest(node, counted: isCountSubquery) else { return nil }
      let sides = [node.child(.lexpr), node.child(.rexpr)].compactMap { $0 }
      guard let sublink = sides.first(where: isCountSubquery), let query = sublink.child(.subselect) else { return nil }
      return .exists(query.selectingOne(), negated: negated)
    }
  }

  /// For `x > 0`, `x >= 1`, `x <> 0`, `0 < x`…: false (exists); for `x = 0`, `x < 1`: true (not exists).
  private static func existenceTest(_ node: EditableNode, counted: (EditableNode) -> Bool) -> Bool? {
    guard node.kind == .aExpr, node.text(.kind) == "AEXPR_OP", let name = node.names(.name).last,
      let left = node.child(.lexpr), let right = node.child(.rexpr)
    else { return nil }
    func value(_ constant: EditableNode) -> Int64? {
      guard constant.kind == .aConst, case .node(let integer)? = constant[.ival], case .integer(let value)? = integer[.ival]
      else { return nil }
      return value
    }
    let mirrored = ["<": ">", ">": "<", "<=": ">=", ">=": "<="]
    let (operation, number): (String, Int64)
    if counted(left), let constant = value(right) {
      (operation, number) = (name, constant)
    } else if counted(right), let constant = value(left) {
      (operation, number) = (mirrored[name] ?? name, constant)
    } else {
      return nil
    }
    switch (operation, number) {
    case (">", 0), (">=", 1), ("<>", 0), ("!=", 0): return false
    case ("=", 0), ("<", 1), ("<=", 0): return true
    default: return nil
    }
  }

  private static func isCount(_ node: EditableNode) -> Bool {
    node.kind == .funcCall && node.names(.funcname).last?.lowercased() == "count" && node[.over] == nil
  }

  private static func isCountSubquery(_ node: EditableNode) -> Bool {
    guard node.kind == .subLink, node.text(.subLinkType) == "EXPR_SUBLINK", let query = node.child(.subselect),
      query.items(.groupClause).isEmpty, query.items(.targetList).count == 1,
      let value = query.items(.targetList).first?.child(.val)
    else { return false }
    return isCount(value)
  }

  // MARK: - implicit comma join → JOIN … ON

  static func commaJoinToExplicit(_ statement: EditableNode) -> EditableNode? {
    guard statement.kind == .selectStmt else { return nil }
    let items = statement.items(.fromClause)
    guard items.count >= 2, items.allSatisfy({ $0.kind == .rangeVar }), let predicate = statement.child(.whereClause)
    else { return nil }
    let names = items.map { item in item.child(.alias)?.text(.aliasname) ?? item.text(.relname) ?? "" }
    var remaining = conjuncts(predicate)
    func qualifiers(_ node: EditableNode) -> Set<String>? {
      var result = Set<String>()
      var unqualified = false
      _ = node.contains { child in
        guard child.kind == .columnRef else { return false }
        let parts = child.items(.fields).compactMap { $0.text(.sval) }
        if parts.count >= 2 { result.insert(parts[parts.count - 2]) } else { unqualified = true }
        return false
      }
      return unqualified ? nil : result
    }
    var joined = items[0]
    var joinedNames: Set<String> = [names[0]]
    for index in 1..<items.count {
      let name = names[index]
      let conditions = remaining.filter { conjunct in
        guard let used = qualifiers(conjunct), used.contains(name), used.count >= 2 else { return false }
        return used.subtracting(joinedNames.union([name])).isEmpty
      }
      guard !conditions.isEmpty else { return nil }
      remaining.removeAll { candidate in conditions.contains(candidate) }
      joined = EditableNode(
        .joinExpr,
        [.jointype: .string("JOIN_INNER"), .larg: .node(joined), .rarg: .node(items[index]), .quals: .node(.and(conditions))])
      joinedNames.insert(name)
    }
    var rewritten = statement
    rewritten[.fromClause] = .list([joined])
    rewritten[.whereClause] = remaining.isEmpty ? nil : .node(.and(remaining))
    return rewritten
  }

  static func conjuncts(_ node: EditableNode) -> [EditableNode] {
    node.kind == .boolExpr && node.text(.boolop) == "AND_EXPR" ? node.items(.args).flatMap(conjuncts) : [node]
  }

  // MARK: - select-star → explicit columns

  static func expandStar(_ statement: EditableNode, root: Node, catalog: CatalogFacts) -> EditableNode? {
    guard statement.kind == .selectStmt, statement.items(.fromClause).count == 1,
      let relation = statement.items(.fromClause).first, relation.kind == .rangeVar, let name = relation.text(.relname),
      let table = catalog.relation(schema: relation.text(.schemaname), name: name)
    else { return nil }
    let columns = catalog.columns(of: table)
    guard !columns.isEmpty else { return nil }
    var expanded: [EditableNode] = []
    for target in statement.items(.targetList) {
      if let value = target.child(.val), value.kind == .columnRef, value.items(.fields).last?.kind == .aStar {
        expanded += columns.map { EditableNode(.resTarget, [.val: .node(.columnReference([$0.name]))]) }
      } else {
        expanded.append(target)
      }
    }
    var rewritten = statement
    rewritten[.targetList] = .list(expanded)
    return rewritten
  }

  // MARK: - union-without-all → UNION ALL (only when the branches are provably disjoint)

  static func unionAll(_ statement: EditableNode) -> EditableNode? {
    guard statement.kind == .selectStmt, statement.text(.op) == "SETOP_UNION", statement[.all] != .bool(true),
      let left = statement.child(.larg), let right = statement.child(.rarg),
      let leftKey = equalityConstants(left), let rightKey = equalityConstants(right)
    else { return nil }
    // Same single table, and some column pinned to different constants on each side.
    let disjoint = leftKey.table == rightKey.table && leftKey.values.contains { column, value in
      rightKey.values[column].map { $0 != value } ?? false
    }
    guard disjoint else { return nil }
    var rewritten = statement
    rewritten[.all] = .bool(true)
    return rewritten
  }

  private static func equalityConstants(_ query: EditableNode) -> (table: String, values: [String: EditableNode])? {
    guard query.text(.op) == "SETOP_NONE", query.items(.fromClause).count == 1,
      let relation = query.items(.fromClause).first, relation.kind == .rangeVar, let name = relation.text(.relname),
      let predicate = query.child(.whereClause)
    else { return nil }
    var values: [String: EditableNode] = [:]
    for conjunct in conjuncts(predicate) {
      guard conjunct.kind == .aExpr, conjunct.names(.name) == ["="], let left = conjunct.child(.lexpr),
        let right = conjunct.child(.rexpr), left.kind == .columnRef, right.kind == .aConst,
        let column = left.items(.fields).last?.text(.sval)
      else { continue }
      values[column] = strippedLocations(right)
    }
    return values.isEmpty ? nil : ((relation.text(.schemaname) ?? "") + "." + name, values)
  }

  // MARK: - large-offset → keyset pagination

  static func keysetPagination(_ statement: EditableNode, root: Node, catalog: CatalogFacts) -> EditableNode? {
    guard statement.kind == .selectStmt, statement.child(.limitOffset) != nil,
      statement.items(.fromClause).count == 1, let relation = statement.items(.fromClause).first,
      relation.kind == .rangeVar, let name = relation.text(.relname),
      let table = catalog.relation(schema: relation.text(.schemaname), name: name)
    else { return nil }
    let sorts = statement.items(.sortClause)
    let keys = sorts.compactMap { $0.child(.node) }.filter { $0.kind == .columnRef }
    guard !keys.isEmpty, keys.count == sorts.count else { return nil }
    let names = keys.compactMap { $0.items(.fields).last?.text(.sval) }
    // The sort key must be unique, or rows with equal keys would be skipped or repeated.
    guard catalog.indexes(on: table).contains(where: { $0.isUnique && $0.predicate == nil && Set($0.keys) == Set(names) })
    else { return nil }
    let descending = sorts.first?.text(.sortbyDir) == "SORTBY_DESC"
    guard sorts.allSatisfy({ ($0.text(.sortbyDir) == "SORTBY_DESC") == descending }) else { return nil }
    let parameters = keys.indices.map { EditableNode(.paramRef, [.number: .integer(Int64($0 + 1))]) }
    let row = { (items: [EditableNode]) in
      items.count == 1 ? items[0] : EditableNode(.rowExpr, [.args: .list(items), .rowFormat: .string("COERCE_IMPLICIT_CAST")])
    }
    let after = EditableNode.operation(descending ? "<" : ">", row(keys), row(parameters))
    var rewritten = statement
    rewritten[.limitOffset] = nil
    rewritten[.whereClause] = .node(.and([statement.child(.whereClause), after].compactMap { $0 }))
    if rewritten[.limitCount] == nil {
      rewritten[.limitCount] = .node(.integerConstant(20))
      rewritten[.limitOption] = .string("LIMIT_OPTION_COUNT")
    }
    return rewritten
  }

  /// The same node without location fields, to compare expressions written at different places.
  static func strippedLocations(_ node: EditableNode) -> EditableNode {
    var copy = node.transformed { child in
      var stripped = child
      stripped[.location] = nil
      return stripped
    }
    copy[.location] = nil
    return copy
  }
}
