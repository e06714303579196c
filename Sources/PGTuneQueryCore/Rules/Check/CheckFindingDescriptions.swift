/// The findings of `check`: plan regressions against the baseline. Ids like every rule, so
/// severities can be changed in the configuration.
package enum CheckFindings {
  private static func finding(_ id: String, _ summary: String, _ severity: Severity, _ rationale: String) -> RuleDescription {
    RuleDescription(id: id, summary: summary, rationale: rationale, defaultSeverity: severity, triggering: [], nonTriggering: [])
  }

  package static let costRegression = finding(
    "cost-regression", "Plan cost above the baseline", .error,
    "The total cost grew by more than --max-cost-increase (20 %; per statement: -- pgtune-query: max-cost-increase 50%).")
  package static let indexScanToSeqScan = finding(
    "index-scan-to-seq-scan", "A table read through an index is now scanned sequentially", .error,
    "Usually a dropped or changed index, a changed predicate, or statistics that changed the estimate.")
  package static let indexOnlyToIndexScan = finding(
    "index-only-to-index-scan", "An index-only scan became an index scan", .error,
    "The index no longer covers the columns the query reads (a column was added to the query or removed from INCLUDE).")
  package static let joinTypeChanged = finding(
    "join-type-changed", "Join methods changed", .error,
    "The planner now joins differently (nested loop / hash / merge): often a row estimate changed.")
  package static let sortAdded = finding(
    "sort-added", "The plan sorts where it did not", .error,
    "An index that delivered rows in order is no longer used, or the ORDER BY changed.")
  package static let indexChanged = finding(
    "index-changed", "Different indexes used", .warning, "The plan uses other indexes than the baseline's.")
  package static let newSeqScanOnLargeTable = finding(
    "new-seq-scan-on-large-table", "New sequential scan on a large table", .error,
    "A large table the baseline plan did not scan sequentially now is.")
  package static let statementBroken = finding(
    "statement-broken", "Statement no longer parses or EXPLAINs", .error,
    "A statement with a baseline entry fails now: renamed column, dropped table, syntax.")
  package static let costImproved = finding(
    "cost-improved", "Plan cost below the baseline", .info, "Cheaper than the baseline: run --update-baseline to lock it in.")
  package static let newStatement = finding(
    "new-statement", "Statement without a baseline entry", .warning,
    "Run --update-baseline to record it (--fail-on-new makes this an error).")

  static let all = [
    costRegression, indexScanToSeqScan, indexOnlyToIndexScan, joinTypeChanged, sortAdded, indexChanged,
    newSeqScanOnLargeTable, statementBroken, costImproved, newStatement,
  ]
}
