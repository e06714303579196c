/// With ANALYZE: the planner's row estimate is off by 10× or more.
struct RowMisestimateRule: PlanRule {
  static let defaultFactor = 10.0
  static let factorOption = RuleOption(
    "factor", .number, default: Double(defaultFactor), summary: "ratio of actual to estimated rows (either way)")

  static let description = RuleDescription(
    id: "row-misestimate",
    summary: "Row estimate off by 10× or more",
    rationale: """
      Every plan choice (join order, join method, memory) follows from row estimates. When a \
      node returns 10× more or fewer rows than estimated, the plan above it was chosen for the \
      wrong input. Usual causes: stale statistics (ANALYZE), correlated columns (CREATE \
      STATISTICS … (dependencies)), or expressions the planner cannot estimate. Needs ANALYZE.
      """,
    defaultSeverity: .warning,
    triggering: ["05-row-misestimate"],
    nonTriggering: ["01-index-lookup", "02-seq-scan-large-table", "06-sort-spill"],
    options: [factorOption])

  func check(_ context: PlanContext) -> [PlanViolation] {
    let threshold = context.number(Self.factorOption)
    // Report the deepest misestimated node of each branch: the error starts there and
    // propagates upwards.
    let misestimated = context.entries.filter { entry in
      guard let factor = entry.estimateFactor, factor >= threshold, let actual = entry.node.actualRows else {
        return false
      }
      return max(actual, entry.node.planRows) >= 10
    }
    let reported = Set(misestimated.map(\.index))
    return misestimated.filter { entry in
      !context.entries.contains { $0.parent == entry.index && reported.contains($0.index) }
    }.map { entry in
      let node = entry.node
      let direction = (node.actualRows ?? 0) > node.planRows ? "under" : "over"
      return PlanViolation(
        node: entry.index,
        message: "\(node.label): estimated \(Figures.rows(node.planRows)), got \(Figures.count(node.actualRows ?? 0)) (\(direction)estimated \(Int(entry.estimateFactor ?? 0))×)",
        help: "run ANALYZE on the table; for correlated columns use CREATE STATISTICS … (dependencies, mcv)")
    }
  }
}
