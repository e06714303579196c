/// `x NOT IN (SELECT …)`: wrong when the subquery yields a NULL, and planned badly.
struct NotInSubqueryRule: QueryRule {
  static let description = RuleDescription(
    id: "not-in-subquery",
    summary: "NOT IN (subquery) instead of NOT EXISTS",
    rationale: """
      If the subquery returns a single NULL, `x NOT IN (…)` is never true and the query silently \
      returns no rows. PostgreSQL also cannot turn NOT IN into an anti-join: it hashes the whole \
      subquery result (if it fits in work_mem) or re-scans it for every outer row. \
      `NOT EXISTS (SELECT 1 … WHERE s.col = x)` is both correct and plannable as an anti-join.
      """,
    defaultSeverity: .warning,
    triggering: [
      "SELECT id FROM accounts WHERE id ↓NOT IN (SELECT account_id FROM orders)",
      "DELETE FROM accounts WHERE ↓NOT (id IN (SELECT account_id FROM orders))",
    ],
    nonTriggering: [
      "SELECT id FROM accounts WHERE id IN (SELECT account_id FROM orders)",
      "SELECT id FROM accounts WHERE id NOT IN (1, 2, 3)",
      "SELECT id FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.account_id = a.id)",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries(ofKind: .boolExpr).compactMap { entry in
      let node = entry.node
      guard node.isNot, let operand = node.list(.args).first, operand.kind == .subLink,
        operand.string(.subLinkType, is: "ANY_SUBLINK"), let offset = node.location ?? operand.location
      else { return nil }
      return RuleViolation(
        offset: offset, message: Self.message,
        help: "rewrite as NOT EXISTS (SELECT 1 FROM … WHERE <subquery column> = <outer column>)")
    }
  }

  static let message = "NOT IN (subquery) returns no rows when the subquery yields a NULL, and cannot be planned as an anti-join"
}
