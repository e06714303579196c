/// `LIKE '%…'`: a pattern that starts with a wildcard cannot use a B-tree index.
struct LeadingWildcardLikeRule: QueryRule {
  static let description = RuleDescription(
    id: "leading-wildcard-like",
    summary: "LIKE pattern starts with a wildcard",
    rationale: """
      A B-tree index can serve `LIKE 'abc%'` (with text_pattern_ops or the C collation) but never \
      a pattern that begins with `%` or `_`: PostgreSQL reads every row and tests the pattern. \
      For substring search use a trigram index (pg_trgm, GIN/GiST) or full-text search.
      """,
    defaultSeverity: .warning,
    triggering: [
      "SELECT id FROM accounts WHERE email LIKE ↓'%@example.com'",
      "SELECT id FROM accounts WHERE name ILIKE ↓'%smith%'",
      "SELECT id FROM accounts a JOIN orders o ON o.account_id = a.id AND o.note LIKE ↓'_x%'",
    ],
    nonTriggering: [
      "SELECT id FROM accounts WHERE email LIKE 'admin%'",
      "SELECT email LIKE '%@example.com' AS is_example FROM accounts",
      "SELECT id FROM accounts WHERE email LIKE $1",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries.compactMap { entry in
      let node = entry.node
      guard entry.clause == .where || entry.clause == .joinCondition,
        node.isExpression("AEXPR_LIKE") || node.isExpression("AEXPR_ILIKE"),
        let pattern = node.node(.rexpr), let text = pattern.stringConstant,
        let first = text.first, first == "%" || first == "_", let offset = pattern.location
      else { return nil }
      return RuleViolation(
        offset: offset, message: Self.message,
        help: "use a trigram index (CREATE EXTENSION pg_trgm; CREATE INDEX … USING gin (col gin_trgm_ops)) or full-text search")
    }
  }

  static let message = "a LIKE pattern that starts with a wildcard cannot use a B-tree index and reads every row"
}
