/// With ANALYZE: a sort that did not fit in work_mem and went to disk.
struct SortSpillRule: PlanRule {
  static let description = RuleDescription(
    id: "sort-spill",
    summary: "Sort spilled to disk",
    rationale: """
      A sort that does not fit in work_mem writes temporary files ("external merge") and reads \
      them back: many times slower than in memory. Raise work_mem for this query (SET LOCAL \
      work_mem) to the size shown, sort fewer rows, or let an index deliver the order.
      """,
    defaultSeverity: .warning,
    triggering: ["06-sort-spill"],
    nonTriggering: ["01-index-lookup", "07-hash-batches"])

  func check(_ context: PlanContext) -> [PlanViolation] {
    context.entries.compactMap { entry in
      let node = entry.node
      guard node.sortSpaceType == "Disk" else { return nil }
      let used = node.sortSpaceUsed.map { " (\(Figures.kilobytes($0)) on disk)" } ?? ""
      let needed = node.sortSpaceUsed.map { "about \(Figures.kilobytes($0 * 1.5))" } ?? "a higher value"
      let keys = node.sortKey.map { " by \($0.joined(separator: ", "))" } ?? ""
      return PlanViolation(
        node: entry.index, message: "\(node.label)\(keys) spilled to disk: \(node.sortMethod ?? "external sort")\(used)",
        help: "SET LOCAL work_mem to \(needed) for this query, or add an index that returns rows in this order")
    }
  }
}
