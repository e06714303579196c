/// `UPDATE` with no `WHERE`: rewrites every row of the table.
struct UpdateWithoutWhereRule: QueryRule {
  static let description = RuleDescription(
    id: "update-without-where",
    summary: "UPDATE without WHERE changes every row",
    rationale: """
      An UPDATE with no WHERE rewrites every row: a full-table write that bloats the table and its \
      indexes, holds row locks on everything, and is usually a forgotten condition. Write \
      `WHERE true` to say that every row is meant.
      """,
    defaultSeverity: .warning,
    triggering: [
      "↓UPDATE accounts SET active = false",
      "WITH s AS (SELECT 1) ↓UPDATE accounts SET active = false",
    ],
    nonTriggering: [
      "UPDATE accounts SET active = false WHERE id = 1",
      "UPDATE accounts SET active = false WHERE true",
      "UPDATE accounts SET active = false WHERE CURRENT OF accounts_cursor",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    WholeTableWrite.violations(in: context, kind: .updateStmt, message: Self.message)
  }

  static let message = "UPDATE without WHERE changes every row of the table"
}

/// Shared by the UPDATE and DELETE rules: a data-modifying statement with no WHERE clause,
/// anywhere in the statement (data-modifying CTEs included).
enum WholeTableWrite {
  static func violations(in context: RuleContext, kind: NodeKind, message: String) -> [RuleViolation] {
    context.entries(ofKind: kind).compactMap { entry in
      guard entry.node.node(.whereClause) == nil else { return nil }
      return RuleViolation(
        offset: statementStart(of: entry.node, context: context), message: message,
        help: "add the WHERE condition, or `WHERE true` if every row is really meant")
    }
  }

  /// The keyword's position: these statements carry no location of their own, so take the start
  /// of the statement for the outermost one and the nested statement's first token otherwise.
  private static func statementStart(of node: Node, context: RuleContext) -> Int {
    if node == context.root {
      guard let with = node.node(.withClause), let end = with.lastLocation else { return context.statement.start }
      return SQLKeywordLocator.find(
        keywordIn: ["update", "delete"], source: context.source, after: end,
        before: context.statement.range.upperBound) ?? context.statement.start
    }
    return node.parent?.location ?? node.firstLocation ?? context.statement.start
  }
}
