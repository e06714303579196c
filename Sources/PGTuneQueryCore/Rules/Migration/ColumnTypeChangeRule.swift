/// `ALTER COLUMN … TYPE` on an existing table.
struct ColumnTypeChangeRule: QueryRule {
  static let description = RuleDescription(
    id: "column-type-change",
    summary: "changing a column's type rewrites the table under an ACCESS EXCLUSIVE lock",
    rationale: """
      ALTER COLUMN … TYPE rewrites the whole table and rebuilds its indexes while holding an \
      ACCESS EXCLUSIVE lock, unless the types are binary compatible (varchar(n) to a longer \
      varchar or to text, a wider numeric precision): on a large table, an outage. Add a new \
      column, backfill it in batches, and switch readers over instead.
      """,
    defaultSeverity: .warning,
    triggering: [
      "↓ALTER TABLE orders ALTER COLUMN total TYPE numeric(14, 2)",
      "↓ALTER TABLE events ALTER COLUMN payload SET DATA TYPE jsonb USING payload::jsonb",
    ],
    nonTriggering: [
      "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0",
      "CREATE TABLE t (a int); ALTER TABLE t ALTER COLUMN a TYPE bigint",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    guard !context.migration.created(MigrationFacts.table(context.root)) else { return [] }
    return MigrationFacts.alterCommands(context.root).compactMap { subtype, command in
      guard subtype == "AT_AlterColumnType" else { return nil }
      let column = command.string(.name) ?? "the column"
      return RuleViolation(
        offset: context.statement.start,
        message: "changing the type of \(column) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
        help: "unless the change is binary compatible (varchar(n) → text), add a new column, backfill it in batches, then switch",
        subject: MigrationFacts.subject(MigrationFacts.table(context.root)))
    }
  }
}
