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
    let unions = context.entries(ofKind: .selectStmt).filter { $0.node.string(.op, is: "SETOP_UNION") }
    guard !unions.isEmpty else { return [] }
    // Nested unions share their subtrees: their extents are computed once, not at every level.
    let spans = LocationSpans(context.root)
    return unions.compactMap { entry in
      let node = entry.node
      guard !node.bool(.all), let left = node.node(.larg), let right = node.node(.rarg),
        let leftEnd = spans.lastLocation(of: left), let rightStart = spans.firstLocation(of: right),
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
