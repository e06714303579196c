/// `lower(email) = …`, `created_at::date = …`: the column is wrapped, so its index is not used.
struct FunctionOnIndexableColumnRule: QueryRule {
  static let rowsOption = RuleOption(
    "rows", .number, default: 10_000, summary: "table rows from which a plan's full scan through the expression confirms the finding",
    setting: .largeTableRows)

  static let description = RuleDescription(
    id: "function-on-indexable-column",
    summary: "Function or cast applied to a column in a filter",
    rationale: """
      An index on `email` is useless for `lower(email) = 'x'` and one on `created_at` for \
      `created_at::date = '2024-01-01'` or `date(created_at) = …`: PostgreSQL must compute the \
      expression for every row. Compare the bare column with a transformed constant \
      (`created_at >= '2024-01-01' AND created_at < '2024-01-02'`) or create an expression \
      index that matches the expression exactly (`CREATE INDEX ON accounts (lower(email))`).
      """,
    defaultSeverity: .info,
    triggering: [
      "SELECT id FROM accounts WHERE ↓lower(email) = 'a@b.c'",
      "SELECT id FROM orders WHERE created_at↓::date = '2024-01-01'",
      "SELECT id FROM orders WHERE ↓date(created_at) >= $1",
      "SELECT o.id FROM orders o JOIN accounts a ON ↓upper(a.code) = o.code",
      "SELECT id FROM accounts WHERE ↓lower(email) IN ('a@b.c', 'd@e.f')",
    ],
    nonTriggering: [
      "SELECT id FROM accounts WHERE email = lower('A@B.C')",
      "SELECT lower(email) FROM accounts",
      "SELECT id FROM orders WHERE created_at >= '2024-01-01'::date",
      "SELECT id FROM accounts WHERE lower(email) = lower(name)",
      "SELECT id FROM orders WHERE total > now()::date - 1",
      "SELECT id FROM accounts WHERE coalesce(deleted, false) = false",
    ],
    options: [rowsOption],
    confirmedSeverity: .warning)

  private static let comparisonOperators: Set<String> = ["=", "<", ">", "<=", ">=", "<>", "!="]
  /// Null-handling wrappers are about semantics, not search; people rarely index them.
  private static let exemptFunctions: Set<String> = ["coalesce", "nullif"]

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries(ofKind: .aExpr).flatMap { entry -> [RuleViolation] in
      let node = entry.node
      guard entry.clause == .where || entry.clause == .joinCondition, isComparison(node),
        let left = node.node(.lexpr)
      else { return [] }
      let right = node.node(.rexpr)
      var violations: [RuleViolation] = []
      for (side, other) in [(left, right), (right, left)] {
        guard let side, let wrapped = wrappedColumn(side), otherSideIsSearchable(other, node) else { continue }
        violations.append(
          RuleViolation(
            offset: wrapped.offset, message: "\(wrapped.description) hides the column from its index",
            help: Self.help(for: wrapped.description, kind: wrapped.kind), subject: wrapped.column))
      }
      return violations
    }
  }

  private func isComparison(_ node: Node) -> Bool {
    if node.isExpression("AEXPR_OP"), let name = node.operatorName {
      return Self.comparisonOperators.contains(name)
    }
    return node.isExpression("AEXPR_IN") || node.isExpression("AEXPR_BETWEEN")
  }

  /// The other side must be something an index lookup can use: constants, parameters, or
  /// columns of other relations (a join key). `lower(a) = lower(b)` on two columns of the same
  /// row is left alone.
  private func otherSideIsSearchable(_ other: Node?, _ comparison: Node) -> Bool {
    guard let other else { return false }
    if other.kind == .list { return other.list(.items).allSatisfy(\.isColumnFree) }
    if other.isColumnFree { return true }
    return other.kind == .columnRef && comparison.isExpression("AEXPR_OP")
  }

  /// Day and time conversions: on a `timestamptz` column they depend on the TimeZone setting, so
  /// PostgreSQL refuses an index on them (not IMMUTABLE). The sargable range is the advice.
  static let temporalConversions: Set<String> = ["date", "timestamp", "time", "date_trunc", "to_char", "extract", "date_part"]

  static func help(for expression: String, kind: String) -> String {
    if temporalConversions.contains(kind) {
      return "compare the bare column with a range a plain index serves: col >= '2024-05-24' AND col < '2024-05-25' "
        + "(on a timestamptz column the day's bounds follow the session's TimeZone, as the cast's do); an expression "
        + "index on \(expression) is refused for timestamptz, where the conversion is not IMMUTABLE"
    }
    return "compare the bare column with a transformed value, or create an expression index on \(expression)"
  }

  /// `f(col)` or `col::type` with the column as the direct argument.
  private func wrappedColumn(_ node: Node) -> (offset: Int, description: String, kind: String, column: String?)? {
    switch node.kind {
    case .funcCall:
      guard let name = node.functionName, !Self.exemptFunctions.contains(name),
        node.list(.args).contains(where: { $0.kind == .columnRef }), let offset = node.location
      else { return nil }
      let parts = node.list(.args).first { $0.kind == .columnRef }?.columnNameParts ?? []
      let column = parts.isEmpty ? "…" : parts.joined(separator: ".")
      return (offset, "\(name)(\(column))", name, parts.last)
    case .typeCast:
      guard let argument = node.node(.arg), argument.kind == .columnRef, let offset = node.location else {
        return nil
      }
      let type = node.node(.typeName)?.names(.names).last ?? "type"
      return (offset, "\(argument.columnNameParts.joined(separator: "."))::\(type)", type, argument.columnNameParts.last)
    default:
      return nil
    }
  }
}

extension FunctionOnIndexableColumnRule: PlanReviewedRule {
  func review(_ finding: Finding, plan: ExplainResult, catalog: CatalogFacts, options: [String: ConfigValue]) -> PlanVerdict {
    PlanEvidence.fullScanVerdict(
      of: finding, plan: plan, catalog: catalog, threshold: Self.rowsOption.value(in: options),
      dismissal: "the plan reads no large table in full through it")
  }
}
