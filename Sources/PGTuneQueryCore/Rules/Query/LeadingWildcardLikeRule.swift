/// `LIKE '%…'`: a pattern that starts with a wildcard cannot use a B-tree index.
struct LeadingWildcardLikeRule: QueryRule {
  static let rowsOption = RuleOption(
    "rows", .number, default: 10_000, summary: "table rows from which a plan's full scan for the pattern confirms the finding",
    setting: .largeTableRows)

  static let description = RuleDescription(
    id: "leading-wildcard-like",
    summary: "LIKE pattern starts with a wildcard",
    rationale: """
      A B-tree index can serve `LIKE 'abc%'` (with text_pattern_ops or the C collation) but never \
      a pattern that begins with `%` or `_`: PostgreSQL reads every row and tests the pattern. \
      For substring search use a trigram index (pg_trgm, GIN/GiST) or full-text search.
      """,
    defaultSeverity: .info,
    triggering: [
      "SELECT id FROM accounts WHERE email LIKE ↓'%@example.com'",
      "SELECT id FROM accounts WHERE name ILIKE ↓'%smith%'",
      "SELECT id FROM accounts a JOIN orders o ON o.account_id = a.id AND o.note LIKE ↓'_x%'",
    ],
    nonTriggering: [
      "SELECT id FROM accounts WHERE email LIKE 'admin%'",
      "SELECT email LIKE '%@example.com' AS is_example FROM accounts",
      "SELECT id FROM accounts WHERE email LIKE $1",
      // A negated pattern: no index of any kind serves it, a trigram index included.
      "SELECT id FROM accounts WHERE email NOT LIKE '%@example.com'",
      "SELECT id FROM accounts WHERE name NOT ILIKE '%smith%'",
    ],
    options: [rowsOption],
    confirmedSeverity: .warning)

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries(ofKind: .aExpr).compactMap { entry in
      let node = entry.node
      guard entry.clause == .where || entry.clause == .joinCondition,
        node.isExpression("AEXPR_LIKE") || node.isExpression("AEXPR_ILIKE"),
        // `NOT LIKE` (`!~~`, `!~~*`): what a scan is for; no index would serve it.
        node.operatorName.map({ !$0.hasPrefix("!") }) ?? true,
        let pattern = node.node(.rexpr), let text = pattern.stringConstant,
        let first = text.first, first == "%" || first == "_", let offset = pattern.location
      else { return nil }
      return RuleViolation(
        offset: offset, message: Self.message,
        help: "if this search is frequent on a large table: a trigram index (CREATE EXTENSION pg_trgm; CREATE INDEX … USING gin (col gin_trgm_ops)) or full-text search",
        subject: node.node(.lexpr)?.columnNameParts.last)
    }
  }

  static let message = "a LIKE pattern that starts with a wildcard cannot use a B-tree index and reads every row"
}

extension LeadingWildcardLikeRule: PlanReviewedRule {
  func review(_ finding: Finding, plan: ExplainResult, catalog: CatalogFacts, options: [String: ConfigValue]) -> PlanVerdict {
    PlanEvidence.fullScanVerdict(
      of: finding, plan: plan, catalog: catalog, threshold: Self.rowsOption.value(in: options),
      dismissal: "the plan reads no large table in full for it")
  }
}
