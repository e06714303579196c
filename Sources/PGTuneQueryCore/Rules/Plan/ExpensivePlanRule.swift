/// A plan whose total cost is above a limit the team set.
struct ExpensivePlanRule: PlanRule {
  static let defaultMaxCost = 100_000.0
  static let maxCostOption = RuleOption(
    "max_cost", .number, default: Double(defaultMaxCost), summary: "total cost above which a plan is reported", setting: .maxCost)

  static let description = RuleDescription(
    id: "expensive-plan",
    summary: "Total plan cost above the limit",
    rationale: """
      The planner's total cost estimates the work of the whole query in abstract units (one \
      sequential page read is 1). A budget (`--max-cost`, `[rules.expensive-plan] max_cost`, \
      default 100,000) flags queries that grew expensive, e.g. after a migration.
      """,
    defaultSeverity: .warning,
    triggering: ["03-expensive-plan", "15-cte-and-subplan"],
    nonTriggering: ["01-index-lookup", "02-seq-scan-large-table"],
    options: [maxCostOption])

  func check(_ context: PlanContext) -> [PlanViolation] {
    let limit = context.number(Self.maxCostOption)
    let plan = context.result.plan
    guard plan.totalCost > limit else { return [] }
    let top = context.entries.max { $0.exclusiveCost < $1.exclusiveCost }
    return [
      PlanViolation(
        node: 0,
        message: "total cost \(Figures.count(plan.totalCost)) is above the limit of \(Figures.count(limit))",
        help: top.map { "the costliest node is \($0.node.label) (\(Figures.percent($0.costShare)) of the cost)" })
    ]
  }
}
