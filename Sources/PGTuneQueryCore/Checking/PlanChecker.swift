/// Runs the plan rules over one plan.
public enum PlanChecker {
  /// Findings for `result`, reported at `offset` (the statement's start; plan findings name
  /// their node in the message).
  public static func findings(
    for result: ExplainResult, catalog: CatalogFacts?, configuration: Configuration, offset: Int
  ) -> [Finding] {
    let context = PlanContext(result: result, catalog: catalog)
    var findings: [Finding] = []
    for rule in AllRules.planRules {
      let description = rule.description
      guard configuration.isEnabled(description.id) else { continue }
      let settings = configuration.rules[description.id]
      let ruleContext = (settings?.options.isEmpty ?? true) ? context : context.with(options: settings!.options)
      for violation in rule.init().check(ruleContext) {
        findings.append(
          Finding(
            rule: description.id, severity: settings?.severity ?? description.defaultSeverity,
            message: violation.message, offset: offset, help: violation.help))
      }
    }
    return findings
  }
}
