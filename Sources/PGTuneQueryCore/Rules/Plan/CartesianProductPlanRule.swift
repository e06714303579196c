/// A nested loop with no join condition at all: the plan pairs every row with every row.
struct CartesianProductPlanRule: PlanRule {
  static let rowsOption = RuleOption(
    "rows", .number, default: 10_000, summary: "rows of the product (outer × inner) from which it is reported",
    setting: .largeTableRows)

  static let description = RuleDescription(
    id: "cartesian-product-plan",
    summary: "Join without a join condition in the plan",
    rationale: """
      A Nested Loop with no Join Filter whose inner side does not use any column of the outer \
      side is a cartesian product: rows(outer) × rows(inner). The static rule cartesian-join \
      finds it in the SQL; this one confirms it in the plan, also when it comes from a view. A \
      product under `rows` (10,000) rows — 30 stores × 12 regions — costs nothing and is not \
      reported.
      """,
    defaultSeverity: .warning,
    triggering: ["14-cartesian-product"],
    nonTriggering: ["08-nested-loop-large-outer", "01-index-lookup", "15-cte-and-subplan"],
    options: [rowsOption])

  func check(_ context: PlanContext) -> [PlanViolation] {
    let threshold = context.number(Self.rowsOption)
    return context.entries.compactMap { entry in
      let node = entry.node
      guard node.nodeType == "Nested Loop", node.joinFilter == nil, node.joinType == "Inner" || node.joinType == nil,
        let outer = node.plans.first(where: { $0.parentRelationship == "Outer" }),
        let inner = node.plans.first(where: { $0.parentRelationship == "Inner" })
      else { return nil }
      let outerAliases = aliases(in: outer)
      guard !outerAliases.isEmpty, !conditions(in: inner).contains(where: { text in
        outerAliases.contains { text.contains("\($0).") }
      }) else { return nil }
      let outerRows = outer.actualTotalRows ?? outer.planRows
      let innerRows = (inner.actualTotalRows.map { $0 / max(1, inner.actualLoops ?? 1) }) ?? inner.planRows
      guard outerRows * innerRows >= threshold else { return nil }
      return PlanViolation(
        node: entry.index,
        message: "\(node.label) joins \(outer.label) with \(inner.label) without any join condition: ~\(Figures.count(outer.planRows)) × \(Figures.count(inner.planRows)) rows",
        help: "add the missing join condition")
    }
  }

  private func aliases(in node: PlanNode) -> Set<String> {
    var result = Set<String>()
    var stack = [node]
    while let current = stack.popLast() {
      if let alias = current.alias { result.insert(alias) }
      stack += current.plans
    }
    return result
  }

  private func conditions(in node: PlanNode) -> [String] {
    var result: [String] = []
    var stack = [node]
    while let current = stack.popLast() {
      result += [current.indexCond, current.filter, current.recheckCond, current.hashCond, current.mergeCond,
        current.joinFilter].compactMap { $0 }
      stack += current.plans
    }
    return result
  }
}
