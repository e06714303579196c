/// `UNION` where `UNION ALL` may do: UNION sorts or hashes the whole result to drop duplicates.
struct UnionWithoutAllRule: QueryRule {
  static let description = RuleDescription(
    id: "union-without-all",
    summary: "UNION removes duplicates (UNION ALL does not)",
    rationale: """
      UNION has to sort or hash the combined result to remove duplicate rows. When the branches \
      cannot overlap (different tables, disjoint filters) or duplicates are fine, UNION ALL \
      returns the same rows without that step. Reported as info: only you know whether \
      duplicates can occur.
      """,
    defaultSeverity: .info,
    triggering: [
      "SELECT id FROM accounts ↓UNION SELECT id FROM archived_accounts",
      "SELECT 1 ↓UNION SELECT 2 ↓union SELECT 3",
    ],
    nonTriggering: [
      "SELECT id FROM accounts UNION ALL SELECT id FROM archived_accounts",
      "SELECT id FROM accounts INTERSECT SELECT id FROM archived_accounts",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries.compactMap { entry in
      let node = entry.node
      guard node.kind == .selectStmt, node.string(.op, is: "SETOP_UNION"), !node.bool(.all),
        let left = node.node(.larg), let right = node.node(.rarg),
        let leftEnd = left.lastLocation, let rightStart = right.firstLocation,
        let offset = SQLKeywordLocator.find(
          keywordIn: ["union"], source: context.source, after: leftEnd, before: rightStart)
      else { return nil }
      return RuleViolation(
        offset: offset, message: Self.message,
        help: "use UNION ALL if the branches cannot return the same row or duplicates are acceptable")
    }
  }

  static let message = "UNION sorts or hashes the whole result to remove duplicates"
}
