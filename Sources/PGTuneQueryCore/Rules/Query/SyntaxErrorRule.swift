/// A statement PostgreSQL's parser rejects. Reported by the analyzer itself (there is no tree to
/// walk); this type carries the rule's description and examples.
struct SyntaxErrorRule: QueryRule {
  static let description = RuleDescription(
    id: "syntax-error",
    summary: "Statement does not parse",
    rationale: """
      PostgreSQL's own parser (libpg_query, the PostgreSQL 15 grammar) rejects the statement; \
      the position is where the parser gave up. Other statements of the file are still analyzed.
      """,
    defaultSeverity: .error,
    triggering: [
      "SELECT id FROM accounts WHERE↓",
      "SELECT id FROM accounts WHERE id = ↓)",
      "↓SELEC id FROM accounts",
      "SELECT 'a' ↓'b'",
    ],
    nonTriggering: [
      "SELECT id FROM accounts WHERE id = 1",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] { [] }
}
