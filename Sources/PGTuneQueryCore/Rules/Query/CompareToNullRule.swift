/// `x = NULL`: always unknown, so never true.
struct CompareToNullRule: QueryRule {
  static let description = RuleDescription(
    id: "compare-to-null",
    summary: "Comparison with NULL using = or <>",
    rationale: """
      In SQL, `x = NULL` and `x <> NULL` are NULL (unknown) for every x, so a filter with them \
      matches no row at all. This is a correctness bug, not a style issue: use `IS NULL` / \
      `IS NOT NULL` (or `IS [NOT] DISTINCT FROM` to compare two nullable values).
      """,
    defaultSeverity: .error,
    triggering: [
      "SELECT id FROM accounts WHERE deleted_at ↓= NULL",
      "SELECT id FROM accounts WHERE NULL ↓<> deleted_at",
      "UPDATE accounts SET active = false WHERE closed_at ↓!= NULL",
    ],
    nonTriggering: [
      "SELECT id FROM accounts WHERE deleted_at IS NULL",
      "UPDATE accounts SET closed_at = NULL WHERE id = 1",
      "SELECT id FROM accounts WHERE a IS DISTINCT FROM NULL",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries(ofKind: .aExpr).compactMap { entry in
      let node = entry.node
      guard node.isExpression("AEXPR_OP"), let name = node.operatorName,
        name == "=" || name == "<>" || name == "!=",
        node.node(.lexpr)?.isNullConstant == true || node.node(.rexpr)?.isNullConstant == true,
        let offset = node.location
      else { return nil }
      let replacement = name == "=" ? "IS NULL" : "IS NOT NULL"
      return RuleViolation(
        offset: offset, message: "`\(name) NULL` is never true; use \(replacement)",
        help: "write `\(replacement)`; to compare two nullable values use IS [NOT] DISTINCT FROM")
    }
  }
}
