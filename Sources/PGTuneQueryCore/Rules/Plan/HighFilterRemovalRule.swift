/// With ANALYZE: a node that reads many rows only to throw ≥ 90 % of them away.
struct HighFilterRemovalRule: PlanRule {
  static let defaultShare = 0.9
  static let shareOption = RuleOption(
    "share", .number, default: Double(defaultShare), summary: "share of the rows read that the filter must discard")
  static let minimumRemoved = 1_000.0

  static let description = RuleDescription(
    id: "high-filter-removal",
    summary: "Filter discards ≥ 90 % of the rows read",
    rationale: """
      "Rows Removed by Filter" counts rows that were read, then discarded. When that is most of \
      them, the condition is not used to find rows, only to reject them: an index that matches \
      the condition (possibly an expression or partial index) reads only what is kept.
      """,
    defaultSeverity: .warning,
    triggering: ["10-high-filter-removal"],
    nonTriggering: ["01-index-lookup", "06-sort-spill"],
    options: [shareOption])

  func check(_ context: PlanContext) -> [PlanViolation] {
    let share = context.number(Self.shareOption)
    return context.entries.compactMap { entry in
      let node = entry.node
      guard let perLoop = node.rowsRemovedByFilter, let kept = node.actualTotalRows else { return nil }
      let removed = perLoop * (node.actualLoops ?? 1)
      guard removed >= Self.minimumRemoved, removed / (removed + kept) >= share else { return nil }
      return PlanViolation(
        node: entry.index,
        message: "\(node.label) discarded \(Figures.count(removed)) of \(Figures.count(removed + kept)) rows (\(Figures.percent(removed / (removed + kept)))) with filter \(node.filter ?? "?")",
        help: "an index matching the filter (an expression index for expressions such as col::date) reads only the rows kept")
    }
  }
}
