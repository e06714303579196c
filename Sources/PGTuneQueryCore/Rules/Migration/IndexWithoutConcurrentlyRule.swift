/// `CREATE INDEX` without `CONCURRENTLY` on a table that already exists.
struct IndexWithoutConcurrentlyRule: QueryRule {
  static let description = RuleDescription(
    id: "index-without-concurrently",
    summary: "CREATE INDEX without CONCURRENTLY blocks writes to the table",
    rationale: """
      A plain CREATE INDEX holds a SHARE lock for the whole build: every INSERT, UPDATE and \
      DELETE on the table waits, for minutes on a large table. CREATE INDEX CONCURRENTLY builds \
      without blocking writes (it must run outside a transaction block, and a failed build \
      leaves an INVALID index to drop). An index on a table created in the same file is fine.
      """,
    defaultSeverity: .warning,
    triggering: [
      "↓CREATE INDEX orders_status_idx ON orders (status)",
      "↓CREATE UNIQUE INDEX ON public.accounts (lower(email))",
    ],
    nonTriggering: [
      "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)",
      "CREATE TABLE audit (id bigint, at timestamptz); CREATE INDEX audit_at_idx ON audit (at)",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    let root = context.root
    guard root.kind == .indexStmt, !root.bool(.concurrent), !context.migration.created(root.node(.relation)) else { return [] }
    return [
      RuleViolation(
        offset: context.statement.start, message: Self.message,
        help: "use CREATE INDEX CONCURRENTLY, outside a transaction block", subject: MigrationFacts.subject(root.node(.relation)))
    ]
  }

  static let message = "CREATE INDEX without CONCURRENTLY blocks every write to the table while it builds"
}
