/// A nested loop whose outer side yields many rows: the inner side runs once per row.
struct NestedLoopLargeOuterRule: PlanRule {
  static let defaultRows = 10_000.0
  static let rowsOption = RuleOption(
    "rows", .number, default: Double(defaultRows), summary: "outer rows from which a nested loop is reported", setting: .largeTableRows)

  static let description = RuleDescription(
    id: "nested-loop-large-outer",
    summary: "Nested loop over a large outer input",
    rationale: """
      A Nested Loop runs its inner side once for every outer row. That is ideal for a few outer \
      rows and an index lookup inside, and ruinous for tens of thousands: usually the planner \
      underestimated the outer rows (see row-misestimate) or a hash/merge join is disabled or \
      impossible. Cheap index probes of the inner side (a few rows for a few cost units per loop) \
      are left alone unless EXPLAIN ANALYZE shows the outer side 10× larger than estimated. \
      Threshold: `[rules.nested-loop-large-outer] rows` (default 10,000).
      """,
    defaultSeverity: .warning,
    triggering: ["16-nested-loop-scan-inner"],
    // 08: ~198,000 primary-key probes of 0.5 cost each, with an estimate nothing contradicts: the
    // planner's informed choice, not a finding.
    nonTriggering: ["01-index-lookup", "07-hash-batches", "05-row-misestimate", "08-nested-loop-large-outer"],
    options: [rowsOption])

  func check(_ context: PlanContext) -> [PlanViolation] {
    let threshold = context.number(Self.rowsOption)
    return context.entries.compactMap { entry in
      guard entry.node.nodeType == "Nested Loop",
        let outer = entry.node.plans.first(where: { $0.parentRelationship == "Outer" })
      else { return nil }
      let rows = outer.actualTotalRows ?? outer.planRows
      guard rows >= threshold else { return nil }
      let inner = entry.node.plans.first { $0.parentRelationship == "Inner" }
      // Cheap index probes on an estimate nothing contradicts are what a nested loop is for.
      let misestimated = outer.actualTotalRows.map { $0 >= outer.planRows * 10 } ?? false
      if let inner, Self.isCheapLookup(inner), !misestimated { return nil }
      return PlanViolation(
        node: entry.index,
        message: "\(entry.node.label) runs \(inner?.label ?? "its inner side") ~\(Figures.count(rows)) times (once per row of \(outer.label))",
        help: "check the outer row estimate; a hash or merge join usually suits this size (is enable_hashjoin off, or is a join key missing an index/operator?)")
    }
  }

  /// An index probe returning a few rows for a few cost units: one or two page reads per loop.
  static func isCheapLookup(_ node: PlanNode) -> Bool {
    ["Index Scan", "Index Only Scan"].contains(node.nodeType) && node.planRows <= 10 && node.totalCost <= 50
  }
}
