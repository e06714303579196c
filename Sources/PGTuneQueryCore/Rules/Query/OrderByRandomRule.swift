/// `ORDER BY random()`: sorts the whole input to pick a few rows.
struct OrderByRandomRule: QueryRule {
  static let description = RuleDescription(
    id: "order-by-random",
    summary: "ORDER BY random() to sample rows",
    rationale: """
      ORDER BY random() computes a random number for every row and sorts all of them, even with \
      LIMIT 1: cost grows with the table. Use TABLESAMPLE SYSTEM/BERNOULLI for approximate \
      samples, or pick random keys (`WHERE id >= (random() * max_id)::int ORDER BY id LIMIT 1`).
      """,
    defaultSeverity: .warning,
    triggering: [
      "SELECT id FROM accounts ORDER BY ↓random() LIMIT 1",
      "SELECT id FROM accounts ORDER BY created_at, ↓pg_catalog.random()",
    ],
    nonTriggering: [
      "SELECT id, random() FROM accounts ORDER BY id",
      "SELECT id FROM accounts TABLESAMPLE SYSTEM (1)",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    context.entries(ofKind: .sortBy).compactMap { entry in
      guard let key = entry.node.node(.node), key.functionName == "random",
        let offset = key.location
      else { return nil }
      return RuleViolation(
        offset: offset, message: Self.message,
        help: "use TABLESAMPLE, or select a random key range and ORDER BY the key")
    }
  }

  static let message = "ORDER BY random() sorts every row to return a few"
}
