/// With ANALYZE: a hash table split into several batches because it did not fit in work_mem.
struct HashBatchesRule: PlanRule {
  static let description = RuleDescription(
    id: "hash-batches",
    summary: "Hash split into batches on disk",
    rationale: """
      A Hash node whose table does not fit in work_mem (× hash_mem_multiplier) is split into \
      batches written to temporary files, and the join re-reads them. More memory for this query, \
      or a smaller inner side (fewer columns, an earlier filter), keeps it in one batch.
      """,
    defaultSeverity: .warning,
    triggering: ["07-hash-batches"],
    nonTriggering: ["01-index-lookup", "06-sort-spill"])

  func check(_ context: PlanContext) -> [PlanViolation] {
    context.entries.compactMap { entry in
      let node = entry.node
      guard node.nodeType == "Hash", let batches = node.hashBatches, batches > 1 else { return nil }
      let memory = node.peakMemoryUsage.map { Figures.kilobytes($0 * batches) } ?? "more"
      return PlanViolation(
        node: entry.index,
        message: "\(node.label) used \(Figures.count(batches)) batches (peak \(Figures.kilobytes(node.peakMemoryUsage ?? 0)) per batch)",
        help: "SET LOCAL work_mem to about \(memory) for this query, or shrink the hashed side")
    }
  }
}
