/// `select-star` with a plan: over small tables only, `*` costs nothing worth a warning.
extension SelectStarRule: PlanReviewedRule {
  static let smallTableOption = RuleOption(
    "rows", .number, default: 10_000, summary: "tables below this many rows count as small (`SELECT *` over them is info)",
    setting: .largeTableRows)

  /// Rows returned below which `*` is not worth a warning.
  static let fewRows = 10.0

  func review(_ finding: Finding, plan: ExplainResult, catalog: CatalogFacts, options: [String: ConfigValue]) -> PlanVerdict {
    let threshold = Self.smallTableOption.value(in: options)
    let sizes = PlanSummary(plan).relations.map { name -> (String, Double?) in
      let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
      return (name, catalog.relation(schema: parts.count == 2 ? parts[0] : nil, name: parts.last ?? name)?.rows)
    }
    let unknown = sizes.filter { $0.1 == nil }.map(\.0)
    let large = sizes.compactMap { name, rows in rows.flatMap { $0 >= threshold ? (name, $0) : nil } }
    // A handful of rows (a primary-key lookup) costs nothing whatever the columns.
    let returned = plan.plan.actualTotalRows ?? plan.plan.planRows
    if returned <= Self.fewRows {
      return PlanVerdict(confirmed: false, evidence: "returns ~\(Figures.count(returned)) row\(returned == 1 ? "" : "s")")
    }
    guard large.isEmpty, unknown.isEmpty, !sizes.isEmpty else {
      let described = [PlanEvidence.describe(large)] + unknown.map { "\($0), size unknown" }
      return PlanVerdict(confirmed: true, evidence: "reads " + described.filter { !$0.isEmpty }.joined(separator: "; "))
    }
    return PlanVerdict(confirmed: false, evidence: "small tables only")
  }
}
