/// A static rule whose suspicion the statement's plan and the catalog can confirm or dismiss:
/// `SELECT *` over 20-row lookup tables is not worth a warning, over a 10-million-row table it is.
public protocol PlanReviewedRule: QueryRule {
  /// The finding as the plan shows it: kept, changed (another severity, a note), or nil when the
  /// plan shows the harm cannot occur.
  func review(_ finding: Finding, plan: ExplainResult, catalog: CatalogFacts, options: [String: ConfigValue]) -> Finding?
}
