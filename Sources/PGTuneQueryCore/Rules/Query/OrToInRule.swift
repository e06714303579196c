/// `a = 1 OR a = 2 OR a = 3`: the same column compared with several values.
struct OrToInRule: QueryRule {
  static let description = RuleDescription(
    id: "or-to-in",
    summary: "OR chain of equalities on one column",
    rationale: """
      `status = 'a' OR status = 'b' OR status = 'c'` is `status IN ('a', 'b', 'c')`. The IN form \
      is one index condition (`= ANY(…)`) instead of a BitmapOr of several scans, it stays one \
      clause when more values are added, and it cannot be broken by a missing parenthesis when \
      combined with AND.
      """,
    defaultSeverity: .info,
    triggering: [
      "SELECT id FROM orders WHERE ↓status = 'new' OR status = 'paid'",
      "SELECT id FROM orders WHERE total > 5 AND (↓o.status = 'new' OR o.status = 'paid' OR o.status = 'sent')",
    ],
    nonTriggering: [
      "SELECT id FROM orders WHERE status IN ('new', 'paid')",
      "SELECT id FROM orders WHERE status = 'new' OR kind = 'paid'",
      "SELECT id FROM orders WHERE status = 'new' OR status > 'x'",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries(ofKind: .boolExpr).compactMap { entry in
      let node = entry.node
      guard node.isOr else { return nil }
      let columns = node.list(.args).map(equalityColumn)
      guard columns.count >= 2, let first = columns[0], columns.allSatisfy({ $0 == first }),
        let offset = node.list(.args).first?.firstLocation
      else { return nil }
      return RuleViolation(
        offset: offset, message: "\(columns.count) OR'ed equalities on \(first.joined(separator: "."))",
        help: "write \(first.joined(separator: ".")) IN (…)")
    }
  }

  /// For `col = <constant or parameter>`: the column's name parts.
  private func equalityColumn(_ node: Node) -> [String]? {
    guard node.isExpression("AEXPR_OP"), node.operatorName == "=", let left = node.node(.lexpr),
      let right = node.node(.rexpr)
    else { return nil }
    if left.kind == .columnRef && right.isColumnFree { return left.columnNameParts }
    if right.kind == .columnRef && left.isColumnFree { return right.columnNameParts }
    return nil
  }
}
