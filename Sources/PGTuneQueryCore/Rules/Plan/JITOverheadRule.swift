/// With ANALYZE: JIT compilation took a large part of the execution time.
struct JITOverheadRule: PlanRule {
  static let defaultShare = 0.2
  static let shareOption = RuleOption(
    "share", .number, default: Double(defaultShare), summary: "share of the execution time spent in JIT")
  static let minimumMilliseconds = 5.0

  static let description = RuleDescription(
    id: "jit-overhead",
    summary: "JIT compilation costs more than it saves",
    rationale: """
      PostgreSQL JIT-compiles expressions when a plan's cost passes jit_above_cost. For queries \
      that are cheap in reality (overestimated cost, or short runs), compiling and optimising \
      takes longer than the query itself. Reported when JIT takes ≥ 20 % of execution time.
      """,
    defaultSeverity: .warning,
    triggering: ["13-jit-overhead"],
    nonTriggering: ["01-index-lookup", "06-sort-spill"],
    options: [shareOption])

  func check(_ context: PlanContext) -> [PlanViolation] {
    let share = context.number(Self.shareOption)
    guard let jit = context.result.jit?.timing?.total, let execution = context.result.executionTime,
      jit >= Self.minimumMilliseconds, execution > 0, jit / execution >= share
    else { return [] }
    return [
      PlanViolation(
        node: 0,
        message: "JIT took \(Figures.milliseconds(jit)) of \(Figures.milliseconds(execution)) execution time (\(Figures.percent(jit / execution)))",
        help: "raise jit_above_cost (or jit_inline_above_cost / jit_optimize_above_cost), or SET jit = off for this workload")
    ]
  }
}
