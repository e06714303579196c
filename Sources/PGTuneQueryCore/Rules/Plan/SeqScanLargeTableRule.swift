/// A sequential scan with a filter on a large table: the filter could be an index lookup.
struct SeqScanLargeTableRule: PlanRule {
  static let defaultRows = 10_000.0
  static let rowsOption = RuleOption(
    "rows", .number, default: Double(defaultRows), summary: "table rows from which a filtered sequential scan is reported", setting: .largeTableRows)
  /// Above this share of the table an index scan rarely beats reading it all.
  static let selectiveShare = 0.1

  static let description = RuleDescription(
    id: "seq-scan-large-table",
    summary: "Sequential scan with a filter on a large table",
    rationale: """
      A Seq Scan reads every row of the table to keep the few that pass its filter: cost grows \
      with the table, not with the result. When the filter keeps at most 10 % of the rows, an \
      index on the filtered columns turns it into an index scan. Threshold: \
      `[rules.seq-scan-large-table] rows` (default 10,000, `--large-table-rows`).
      """,
    defaultSeverity: .warning,
    triggering: ["02-seq-scan-large-table", "10-high-filter-removal"],
    nonTriggering: ["01-index-lookup", "04-dominant-node"],
    options: [rowsOption])

  func check(_ context: PlanContext) -> [PlanViolation] {
    let threshold = context.number(Self.rowsOption)
    return context.entries.compactMap { entry in
      let node = entry.node
      guard node.nodeType == "Seq Scan", let filter = node.filter, let rows = context.relationRows(of: node),
        rows >= threshold, (node.actualTotalRows ?? node.planRows) <= rows * Self.selectiveShare
      else { return nil }
      return PlanViolation(
        node: entry.index,
        message: "\(node.label) reads ~\(Figures.count(rows)) rows to keep ~\(Figures.count(node.actualTotalRows ?? node.planRows)) (filter \(filter))",
        help: "index the filtered column(s) of \(node.qualifiedRelation ?? "the table"), or make the filter sargable")
    }
  }
}
