/// `select-star` with a plan: over small tables only, `*` costs nothing worth a warning.
extension SelectStarRule: PlanReviewedRule {
  static let smallTableOption = RuleOption(
    "rows", .number, default: 10_000, summary: "tables below this many rows count as small (`SELECT *` over them is info)",
    setting: .largeTableRows)

  func review(_ finding: Finding, plan: ExplainResult, catalog: CatalogFacts, options: [String: ConfigValue]) -> Finding? {
    let threshold = Self.smallTableOption.value(in: options)
    let sizes = PlanSummary(plan).relations.map { name -> Double? in
      let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
      return catalog.relation(schema: parts.count == 2 ? parts[0] : nil, name: parts.last ?? name)?.rows
    }
    guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? .infinity) < threshold }), finding.severity > .info else {
      return finding
    }
    return Finding(
      rule: finding.rule, severity: .info, message: finding.message + " (small tables only)", offset: finding.offset,
      help: finding.help)
  }
}
