/// With ANALYZE: a bitmap heap scan whose bitmap became lossy (whole pages rechecked).
struct LossyBitmapHeapScanRule: PlanRule {
  static let description = RuleDescription(
    id: "lossy-bitmap-heap-scan",
    summary: "Bitmap heap scan went lossy",
    rationale: """
      When a bitmap does not fit in work_mem, PostgreSQL keeps only page numbers for part of it \
      ("lossy" blocks) and must re-check every row of those pages against the condition. More \
      work_mem for the query keeps the bitmap exact; a more selective condition keeps it small.
      """,
    defaultSeverity: .warning,
    triggering: ["09-lossy-bitmap-heap-scan"],
    nonTriggering: ["01-index-lookup", "11-index-only-heap-fetches"])

  func check(_ context: PlanContext) -> [PlanViolation] {
    context.entries.compactMap { entry in
      let node = entry.node
      guard node.nodeType == "Bitmap Heap Scan", let lossy = node.lossyHeapBlocks, lossy > 0 else { return nil }
      let exact = node.exactHeapBlocks ?? 0
      return PlanViolation(
        node: entry.index,
        message: "\(node.label): \(Figures.count(lossy)) of \(Figures.count(lossy + exact)) heap blocks were lossy and rechecked row by row",
        help: "raise work_mem for this query (SET LOCAL work_mem) so the bitmap stays exact")
    }
  }
}
