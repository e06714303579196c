/// `OFFSET 100000`: PostgreSQL computes and throws away every skipped row.
struct LargeOffsetRule: QueryRule {
  static let defaultThreshold = 1_000
  static let thresholdOption = RuleOption(
    "threshold", .integer, default: Double(defaultThreshold), summary: "OFFSET from which the rule reports")

  static let description = RuleDescription(
    id: "large-offset",
    summary: "Large OFFSET for pagination",
    rationale: """
      OFFSET n does not skip rows, it produces them and discards them: page 5,000 of 20 rows \
      costs 100,000 rows of work, and gets slower with every page. Keyset pagination \
      (`WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 20`) costs the \
      same on every page. Threshold: `[rules.large-offset] threshold` (default 1000).
      """,
    defaultSeverity: .warning,
    triggering: [
      "SELECT id FROM orders ORDER BY id LIMIT 20 OFFSET ↓100000",
      "SELECT id FROM orders ORDER BY id OFFSET ↓5000 ROWS FETCH NEXT 10 ROWS ONLY",
    ],
    nonTriggering: [
      "SELECT id FROM orders ORDER BY id LIMIT 20 OFFSET 40",
      "SELECT id FROM orders ORDER BY id LIMIT 20 OFFSET $1",
      "SELECT id FROM orders ORDER BY id LIMIT 20",
    ],
    options: [thresholdOption])

  func check(_ context: RuleContext) -> [RuleViolation] {
    let threshold = context.integer(Self.thresholdOption)
    return context.entries(ofKind: .selectStmt).compactMap { entry in
      guard let offset = entry.node.node(.limitOffset),
        let rows = offset.integerConstant, rows >= threshold, let location = offset.location
      else { return nil }
      return RuleViolation(
        offset: location, message: "OFFSET \(rows) computes and discards \(rows) rows on every call",
        help: "paginate by key instead: WHERE (sort_key, id) > (last values seen) ORDER BY sort_key, id LIMIT n")
    }
  }
}
