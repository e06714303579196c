/// `CREATE/DROP INDEX CONCURRENTLY` or `REINDEX … CONCURRENTLY` inside `BEGIN … COMMIT`.
struct ConcurrentlyInTransactionRule: QueryRule {
  static let description = RuleDescription(
    id: "concurrently-in-transaction",
    summary: "CONCURRENTLY inside a transaction block fails",
    rationale: """
      CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY cannot run \
      inside a transaction block: PostgreSQL rejects them, and the migration stops there. Many \
      migration tools wrap each file in a transaction; run these statements in a file (or a \
      migration) of their own, without the wrapping.
      """,
    defaultSeverity: .error,
    triggering: [
      "BEGIN; ↓CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status); COMMIT;",
      "START TRANSACTION; ↓DROP INDEX CONCURRENTLY orders_status_idx; COMMIT;",
    ],
    nonTriggering: [
      "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)",
      "BEGIN; CREATE INDEX orders_status_idx ON orders (status); COMMIT; CREATE INDEX CONCURRENTLY i ON t (a)",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    guard context.migration.inTransaction, Self.isConcurrent(context.root) else { return [] }
    return [
      RuleViolation(
        offset: context.statement.start, message: Self.message,
        help: "move it out of the BEGIN … COMMIT block (a migration of its own, without the transaction wrapper)")
    ]
  }

  static func isConcurrent(_ root: Node) -> Bool {
    switch root.kind {
    case .indexStmt, .dropStmt: return root.bool(.concurrent)
    case .reindexStmt: return root.list(.params).contains { $0.string(.defname) == "concurrently" }
    default: return false
    }
  }

  static let message = "CONCURRENTLY cannot run inside a transaction block: PostgreSQL rejects the statement"
}
