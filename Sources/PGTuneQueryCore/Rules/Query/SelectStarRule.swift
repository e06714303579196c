/// `SELECT *` in a query's output list.
struct SelectStarRule: QueryRule {
  static let description = RuleDescription(
    id: "select-star",
    summary: "SELECT * reads every column",
    rationale: """
      `*` fetches every column, so the planner cannot use an index-only scan, wide columns \
      (TOASTed text, jsonb) are read and sent for nothing, and the query's result changes shape \
      whenever a migration adds a column. `*` inside EXISTS (…) is harmless and not reported.
      """,
    defaultSeverity: .info,
    triggering: [
      "SELECT ↓* FROM accounts",
      "SELECT a.id, ↓b.* FROM accounts a JOIN orders b ON b.account_id = a.id",
      "SELECT id FROM (SELECT ↓* FROM accounts) AS s",
      "INSERT INTO archive SELECT ↓* FROM accounts WHERE closed",
      "TABLE ↓accounts",
    ],
    nonTriggering: [
      "SELECT id, email FROM accounts",
      "SELECT count(*) FROM accounts",
      "SELECT id FROM accounts a WHERE EXISTS (SELECT * FROM orders o WHERE o.account_id = a.id)",
      "SELECT *",
    ],
    options: [smallTableOption],
    confirmedSeverity: .warning)

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries(ofKind: .columnRef).compactMap { entry in
      guard entry.clause == .select, entry.node.isStarColumn,
        let select = enclosingSelect(of: entry.node), !select.list(.fromClause).isEmpty,
        !isInsideExists(select)
      else { return nil }
      // `TABLE t` is `SELECT * FROM t` with a `*` PostgreSQL gives no location: the table's.
      let offset = entry.node.location ?? select.list(.fromClause).first?.location ?? context.statement.start
      return RuleViolation(
        offset: offset, message: Self.message,
        help: "list the columns the caller needs; it also lets PostgreSQL use an index-only scan")
    }
  }

  private func enclosingSelect(of node: Node) -> Node? {
    var current = node.parent
    while let candidate = current, candidate.kind != .selectStmt { current = candidate.parent }
    return current
  }

  private func isInsideExists(_ select: Node) -> Bool {
    guard let parent = select.parent, parent.kind == .subLink else { return false }
    return parent.string(.subLinkType, is: "EXISTS_SUBLINK")
  }

  static let message = "SELECT * reads and returns every column"
}
