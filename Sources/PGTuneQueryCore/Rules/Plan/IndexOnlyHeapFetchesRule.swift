/// With ANALYZE: an index-only scan that still visited the table for many rows.
struct IndexOnlyHeapFetchesRule: PlanRule {
  static let description = RuleDescription(
    id: "index-only-heap-fetches",
    summary: "Index-only scan fetched rows from the table",
    rationale: """
      An index-only scan skips the table only for pages the visibility map marks all-visible. \
      Heap Fetches counts the rows it had to check in the table anyway; many fetches mean the \
      table changed since the last VACUUM. VACUUM (or more aggressive autovacuum settings) \
      restores the benefit.
      """,
    defaultSeverity: .info,
    triggering: ["11-index-only-heap-fetches"],
    nonTriggering: ["01-index-lookup", "09-lossy-bitmap-heap-scan"])

  func check(_ context: PlanContext) -> [PlanViolation] {
    context.entries.compactMap { entry in
      let node = entry.node
      guard node.nodeType == "Index Only Scan", let fetches = node.heapFetches, fetches > 0,
        let rows = node.actualTotalRows, fetches >= max(1, rows) * 0.1
      else { return nil }
      return PlanViolation(
        node: entry.index,
        message: "\(node.label) fetched \(Figures.count(fetches)) rows from the table for \(Figures.count(rows)) returned",
        help: "VACUUM \(node.qualifiedRelation ?? "the table") to refresh its visibility map; tune autovacuum if it keeps happening")
    }
  }
}
