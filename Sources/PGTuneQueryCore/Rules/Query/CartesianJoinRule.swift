/// Two relations in one FROM with nothing that relates them: every row of one is paired with
/// every row of the other.
struct CartesianJoinRule: QueryRule {
  static let description = RuleDescription(
    id: "cartesian-join",
    summary: "Relations joined without a join condition",
    rationale: """
      With no predicate relating two relations, PostgreSQL pairs every row of one with every row \
      of the other: 10,000 × 10,000 rows is 100 million. Usually a join condition is missing \
      (comma join without WHERE, CROSS JOIN or ON true by mistake). Function calls \
      (generate_series, unnest), LATERAL subqueries and one-row aggregate subqueries are \
      intentional and not reported.
      """,
    defaultSeverity: .warning,
    triggering: [
      "SELECT a.id FROM accounts a, ↓orders o",
      "SELECT a.id FROM accounts a, ↓orders o WHERE a.active AND o.total > 10",
      "SELECT * FROM accounts a JOIN ↓orders o ON true",
      "SELECT x FROM a, b, ↓c WHERE a.id = b.a_id",
    ],
    nonTriggering: [
      "SELECT a.id FROM accounts a, orders o WHERE o.account_id = a.id",
      "SELECT a.id FROM accounts a JOIN orders o ON o.account_id = a.id",
      "SELECT a.id FROM accounts a JOIN orders o USING (account_id)",
      "SELECT a.id FROM accounts a NATURAL JOIN orders o",
      "SELECT a.id FROM accounts a, generate_series(1, 3) g",
      "SELECT a.id FROM accounts a, LATERAL (SELECT 1) l",
      "SELECT a.id, m.mx FROM accounts a, (SELECT max(total) AS mx FROM orders) m",
      "SELECT id FROM accounts, orders WHERE account_id = accounts.id",
      "SELECT x FROM a, b WHERE x = y",
      // An explicit CROSS JOIN says the product is meant.
      "SELECT * FROM accounts a CROSS JOIN orders o",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    var violations: [RuleViolation] = []
    for entry in context.entries(ofKind: .selectStmt) { violations += commaJoinViolations(entry.node) }
    for entry in context.entries(ofKind: .joinExpr) {
      if let offset = crossJoinOffset(entry.node) {
        violations.append(RuleViolation(offset: offset, message: Self.message, help: Self.help))
      }
    }
    return violations.sorted { $0.offset < $1.offset }
  }

  /// `FROM a, b [WHERE …]`: group the FROM items connected by WHERE conjuncts; every group after
  /// the first is a cross product.
  private func commaJoinViolations(_ select: Node) -> [RuleViolation] {
    let items = select.list(.fromClause).filter(isJoinable)
    guard items.count > 1 else { return [] }
    let names = items.map(exposedNames)
    var group = Array(items.indices)
    func root(_ index: Int) -> Int {
      var index = index
      while group[index] != index { index = group[index] }
      return index
    }
    for conjunct in select.node(.whereClause)?.conjuncts ?? [] {
      let columns = conjunct.columnReferences.map(\.columnNameParts)
      // An unqualified column could belong to any relation: assume it relates them all
      // rather than raise a false alarm.
      let touched: [Int]
      if columns.contains(where: { $0.count < 2 }) && columns.count >= 2 {
        touched = Array(items.indices)
      } else {
        touched = items.indices.filter { index in
          columns.contains { $0.count >= 2 && names[index].contains($0[$0.count - 2]) }
        }
      }
      for index in touched.dropFirst() { group[root(index)] = root(touched[0]) }
    }
    var seenGroups = Set<Int>()
    var violations: [RuleViolation] = []
    for index in items.indices {
      let startsNewGroup = seenGroups.insert(root(index)).inserted
      if startsNewGroup && index > 0, let offset = items[index].firstLocation {
        violations.append(RuleViolation(offset: offset, message: Self.message, help: Self.help))
      }
    }
    return violations
  }

  /// `JOIN … ON true`: the position of the right side. An explicit `CROSS JOIN` (no quals at all)
  /// states that the product is meant, and is left alone.
  private func crossJoinOffset(_ join: Node) -> Int? {
    guard join.string(.jointype, is: "JOIN_INNER"), !join.bool(.isNatural),
      join.list(.usingClause).isEmpty, let right = join.node(.rarg), isJoinable(right),
      let left = join.node(.larg), isJoinable(left), let quals = join.node(.quals), quals.booleanConstant == true
    else { return nil }
    return right.firstLocation
  }

  /// Function calls, LATERAL subqueries and one-row aggregate subqueries are cross joined on
  /// purpose.
  private func isJoinable(_ item: Node) -> Bool {
    switch item.kind {
    case .rangeVar, .joinExpr: return true
    case .rangeSubselect:
      guard !item.bool(.lateral), let query = item.node(.subquery) else { return false }
      let targets = query.list(.targetList).compactMap { $0.node(.val) }
      let singleRow =
        query.list(.groupClause).isEmpty && !targets.isEmpty
        && targets.allSatisfy { $0.kind == .funcCall }
      return !singleRow && !query.list(.fromClause).isEmpty
    default: return false
    }
  }

  /// The names a FROM item answers to: alias, or table name, for every relation inside a join.
  private func exposedNames(_ item: Node) -> Set<String> {
    var names = Set<String>()
    var stack = [item]
    while let node = stack.popLast() {
      switch node.kind {
      case .rangeVar, .rangeSubselect:
        if let alias = node.node(.alias)?.string(.aliasname) {
          names.insert(alias)
        } else if let relation = node.string(.relname) {
          names.insert(relation)
        }
      case .joinExpr:
        if let alias = node.node(.alias)?.string(.aliasname) { names.insert(alias) }
        if let left = node.node(.larg) { stack.append(left) }
        if let right = node.node(.rarg) { stack.append(right) }
      default: break
      }
    }
    return names
  }

  static let message = "relations are joined without a join condition (cartesian product)"
  static let help = "add the join condition (JOIN … ON …), or write CROSS JOIN if the product is intended"
}
