/// `count(*) > 0` to ask whether any row exists.
struct CountForExistenceRule: QueryRule {
  static let rowsOption = RuleOption(
    "rows", .number, default: 1_000, summary: "rows counted from which the plan confirms the finding")

  static let description = RuleDescription(
    id: "count-for-existence",
    summary: "count(*) compared with 0 to test existence",
    rationale: """
      To answer "is there at least one row?", count(*) reads and counts every matching row. \
      EXISTS stops at the first one: `SELECT EXISTS (SELECT 1 FROM orders WHERE …)`. On a large \
      match set the difference is the whole scan.
      """,
    defaultSeverity: .info,
    triggering: [
      "SELECT ↓count(*) > 0 FROM orders WHERE account_id = 1",
      "SELECT id FROM accounts a WHERE ↓(SELECT count(*) FROM orders o WHERE o.account_id = a.id) > 0",
      "SELECT 0 < ↓count(id) FROM orders WHERE status = 'new'",
      "SELECT ↓count(*) = 0 FROM orders WHERE account_id = 1",
    ],
    nonTriggering: [
      "SELECT EXISTS (SELECT 1 FROM orders WHERE account_id = 1)",
      "SELECT count(*) FROM orders",
      "SELECT account_id FROM orders GROUP BY account_id HAVING count(*) > 0",
      "SELECT count(*) > 10 FROM orders",
    ],
    options: [rowsOption],
    confirmedSeverity: .warning)

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries(ofKind: .aExpr).compactMap { entry in
      let node = entry.node
      guard node.isExpression("AEXPR_OP"), let name = node.operatorName, let left = node.node(.lexpr),
        let right = node.node(.rexpr)
      else { return nil }
      let counted: Node
      if let value = right.integerConstant, isExistenceTest(name, value) {
        counted = left
      } else if let value = left.integerConstant, isExistenceTest(mirror(name), value) {
        counted = right
      } else {
        return nil
      }
      guard isUngroupedCount(counted), let offset = counted.location else { return nil }
      return RuleViolation(
        offset: offset, message: Self.message,
        help: "use EXISTS (SELECT 1 FROM … WHERE …), which stops at the first matching row")
    }
  }

  /// `> 0`, `>= 1`, `<> 0`, `!= 0`, `= 0`, `< 1`, `<= 0`.
  private func isExistenceTest(_ name: String, _ value: Int64) -> Bool {
    switch (name, value) {
    case (">", 0), (">=", 1), ("<>", 0), ("!=", 0), ("=", 0), ("<", 1), ("<=", 0): true
    default: false
    }
  }

  private func mirror(_ name: String) -> String {
    switch name {
    case ">": "<"
    case "<": ">"
    case ">=": "<="
    case "<=": ">="
    default: name
    }
  }

  /// `count(…)` of a query without GROUP BY, directly or as a scalar subquery.
  private func isUngroupedCount(_ node: Node) -> Bool {
    switch node.kind {
    case .funcCall:
      guard node.functionName == "count", node.node(.over) == nil else { return false }
      var current = node.parent
      while let candidate = current, candidate.kind != .selectStmt { current = candidate.parent }
      return current.map { $0.list(.groupClause).isEmpty } ?? false
    case .subLink:
      guard node.string(.subLinkType, is: "EXPR_SUBLINK"), let query = node.node(.subselect),
        query.list(.groupClause).isEmpty, query.list(.targetList).count == 1,
        let value = query.list(.targetList).first?.node(.val)
      else { return false }
      return value.functionName == "count" && value.node(.over) == nil
    default:
      return false
    }
  }

  static let message = "count(…) compared with 0 counts every matching row to test whether one exists"
}

extension CountForExistenceRule: PlanReviewedRule {
  func review(_ finding: Finding, plan: ExplainResult, catalog: CatalogFacts, options: [String: ConfigValue]) -> PlanVerdict {
    let threshold = Self.rowsOption.value(in: options)
    let counted = PlanWalker.entries(of: plan.plan).compactMap { entry -> Double? in
      guard entry.node.nodeType == "Aggregate", let input = entry.node.plans.first else { return nil }
      return input.actualTotalRows ?? input.planRows
    }.max() ?? 0
    return counted >= threshold
      ? PlanVerdict(confirmed: true, evidence: "the plan counts ~\(Figures.count(counted)) rows")
      : PlanVerdict(confirmed: false, evidence: "the plan counts only ~\(Figures.count(counted)) rows")
  }
}
