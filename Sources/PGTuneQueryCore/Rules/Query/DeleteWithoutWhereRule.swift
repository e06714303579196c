/// `DELETE` with no `WHERE`: removes every row of the table.
struct DeleteWithoutWhereRule: QueryRule {
  static let description = RuleDescription(
    id: "delete-without-where",
    summary: "DELETE without WHERE removes every row",
    rationale: """
      A DELETE with no WHERE removes every row one by one, writing WAL for each and leaving the \
      table full of dead tuples for VACUUM. If emptying the table is the intent, TRUNCATE is \
      faster; otherwise a condition is missing.
      """,
    defaultSeverity: .warning,
    triggering: [
      "↓DELETE FROM sessions",
      "↓DELETE FROM sessions USING accounts",
    ],
    nonTriggering: [
      "DELETE FROM sessions WHERE expires_at < now()",
      "TRUNCATE sessions",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    WholeTableWrite.violations(in: context, kind: .deleteStmt, message: Self.message)
  }

  static let message = "DELETE without WHERE removes every row of the table"
}
