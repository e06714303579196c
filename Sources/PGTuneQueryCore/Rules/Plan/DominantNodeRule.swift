/// One node takes (almost) all of the plan's cost or time: the place to look first.
struct DominantNodeRule: PlanRule {
  static let defaultShare = 0.9
  static let shareOption = RuleOption(
    "share", .number, default: Double(defaultShare), summary: "share of the cost (or time) one node must reach")

  static let description = RuleDescription(
    id: "dominant-node",
    summary: "One node takes ≥ 90 % of the cost or time",
    rationale: """
      When one node accounts for nearly all of a query's cost (or, with ANALYZE, its time), that \
      node is the whole optimisation problem: its input size, its index, its memory. Reported \
      only for plans with more than one node and a cost above 1,000.
      """,
    defaultSeverity: .info,
    triggering: ["04-dominant-node", "08-nested-loop-large-outer"],
    nonTriggering: ["01-index-lookup", "10-high-filter-removal"],
    options: [shareOption])

  func check(_ context: PlanContext) -> [PlanViolation] {
    let share = context.number(Self.shareOption)
    guard context.entries.count > 1, context.result.plan.totalCost > 1_000 else { return [] }
    let byTime = context.analyzed ? context.entries.max { ($0.timeShare ?? 0) < ($1.timeShare ?? 0) } : nil
    if let byTime, let timeShare = byTime.timeShare, timeShare >= share {
      return [
        PlanViolation(
          node: byTime.index,
          message: "\(byTime.node.label) takes \(Figures.percent(timeShare)) of the execution time",
          help: "optimise this node first")
      ]
    }
    guard let byCost = context.entries.max(by: { $0.costShare < $1.costShare }), byCost.costShare >= share else {
      return []
    }
    return [
      PlanViolation(
        node: byCost.index, message: "\(byCost.node.label) is \(Figures.percent(byCost.costShare)) of the plan's cost",
        help: "optimise this node first")
    ]
  }
}
