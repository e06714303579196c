/// Lock-taking DDL with no `SET lock_timeout` before it in the file.
struct LockTimeoutRule: QueryRule {
  static let description = RuleDescription(
    id: "ddl-without-lock-timeout",
    summary: "DDL that waits for a table lock with no lock_timeout set",
    rationale: """
      An ALTER TABLE (even a catalog-only one) waits for its lock behind every running query on \
      the table — and every query that arrives meanwhile queues behind the ALTER: one slow \
      report turns a 1 ms migration into an outage. SET lock_timeout (e.g. '2s') first, so the \
      migration gives up instead, and retry it. Reported once per file, at the first such \
      statement.
      """,
    defaultSeverity: .warning,
    triggering: [
      "↓ALTER TABLE accounts ADD COLUMN note text",
      "SET statement_timeout = '5s'; ↓DROP TABLE old_sessions",
    ],
    nonTriggering: [
      "SET lock_timeout = '2s'; ALTER TABLE accounts ADD COLUMN note text",
      "SET LOCAL lock_timeout TO 2000; CREATE INDEX i ON accounts (note)",
      "CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int",
      "CREATE INDEX CONCURRENTLY i ON accounts (note)",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    let state = context.migration
    guard !state.lockTimeoutSet, !state.lockTakenWithoutTimeout, state.blocks(MigrationStep(context.root))
    else { return [] }
    return [
      RuleViolation(
        offset: context.statement.start, message: Self.message,
        help: "SET lock_timeout = '2s' (or SET LOCAL inside the transaction) before the first DDL, and retry on timeout")
    ]
  }

  static let message = "no lock_timeout is set: while this waits for its lock, every query on the table queues behind it"
}
