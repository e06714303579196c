/// What a plan says about a static finding.
public struct PlanVerdict: Sendable, Equatable {
  /// True: the plan shows the harm (a large table read in full through the wrapped column);
  /// false: it shows the harm cannot occur here (small tables, an index serves it anyway).
  public let confirmed: Bool
  /// The evidence, in words, appended to the finding's message.
  public let evidence: String

  public init(confirmed: Bool, evidence: String) {
    self.confirmed = confirmed
    self.evidence = evidence
  }
}

/// A static rule whose suspicion the statement's plan and the catalog confirm or dismiss:
/// `SELECT *` over 20-row lookup tables is not worth a warning, over a 10-million-row table it is.
/// The rule's description sets `confirmedSeverity`; the analyzer turns the verdict into the
/// finding's severity (an explicit severity in the configuration always wins).
public protocol PlanReviewedRule: QueryRule {
  func review(_ finding: Finding, plan: ExplainResult, catalog: CatalogFacts, options: [String: ConfigValue]) -> PlanVerdict
}

/// Plan evidence the reviews share.
public enum PlanEvidence {
  /// The large tables read by a sequential scan whose filter mentions `subject` (a column),
  /// with their sizes: where an index on that column could not be used.
  public static func scannedLargeTables(
    filteringOn subject: String?, plan: ExplainResult, catalog: CatalogFacts, threshold: Double
  ) -> [(name: String, rows: Double)] {
    PlanWalker.entries(of: plan.plan).compactMap { entry in
      let node = entry.node
      guard node.nodeType == "Seq Scan" || node.nodeType == "Parallel Seq Scan", let table = node.relationName,
        let filter = node.filter, subject.map({ filter.contains($0) }) ?? true,
        let rows = catalog.relation(schema: node.schema, name: table)?.rows, rows >= threshold
      else { return nil }
      return (node.qualifiedRelation ?? table, rows)
    }
  }

  /// The verdict of rules whose harm is a full read of a large table for a filter on `subject`.
  public static func fullScanVerdict(
    of finding: Finding, plan: ExplainResult, catalog: CatalogFacts, threshold: Double, dismissal: String
  ) -> PlanVerdict {
    let scanned = scannedLargeTables(filteringOn: finding.subject, plan: plan, catalog: catalog, threshold: threshold)
    return scanned.isEmpty
      ? PlanVerdict(confirmed: false, evidence: dismissal)
      : PlanVerdict(confirmed: true, evidence: "sequential scan of " + describe(scanned))
  }

  public static func describe(_ tables: [(name: String, rows: Double)]) -> String {
    tables.map { "\($0.name), ~\(Figures.count($0.rows)) rows" }.joined(separator: "; ")
  }
}
