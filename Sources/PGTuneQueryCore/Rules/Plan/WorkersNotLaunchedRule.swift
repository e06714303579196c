/// With ANALYZE: a parallel plan ran with fewer workers than planned.
struct WorkersNotLaunchedRule: PlanRule {
  static let description = RuleDescription(
    id: "workers-not-launched",
    summary: "Parallel workers planned but not launched",
    rationale: """
      The planner chose a parallel plan for N workers, but fewer started because the server's \
      pool (max_parallel_workers, max_worker_processes) was exhausted. The query then runs with \
      less parallelism than its plan assumed, often slower than a serial plan would.
      """,
    defaultSeverity: .warning,
    triggering: ["12-workers-not-launched"],
    nonTriggering: ["01-index-lookup", "04-dominant-node"])

  func check(_ context: PlanContext) -> [PlanViolation] {
    context.entries.compactMap { entry in
      let node = entry.node
      guard let planned = node.workersPlanned, let launched = node.workersLaunched, launched < planned else {
        return nil
      }
      return PlanViolation(
        node: entry.index, message: "\(node.label) planned \(Figures.plural(planned, "worker")), launched \(launched)",
        help: "raise max_parallel_workers / max_worker_processes, or run fewer parallel queries at once")
    }
  }
}
