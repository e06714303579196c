/// `ADD COLUMN … NOT NULL` without a default on an existing table.
struct AddColumnNotNullRule: QueryRule {
  static let description = RuleDescription(
    id: "add-column-not-null-without-default",
    summary: "ADD COLUMN … NOT NULL without a default fails on a table that has rows",
    rationale: """
      A new NOT NULL column without a DEFAULT would hold NULL in every existing row, so \
      PostgreSQL refuses the statement as soon as the table has one row: the migration passes \
      on an empty development database and fails in production. Give it a constant default \
      (stored in the catalog, no rewrite), or add it nullable, backfill, then SET NOT NULL.
      """,
    defaultSeverity: .warning,
    triggering: [
      "ALTER TABLE accounts ADD COLUMN ↓region text NOT NULL",
    ],
    nonTriggering: [
      "ALTER TABLE accounts ADD COLUMN region text NOT NULL DEFAULT 'eu'",
      "ALTER TABLE accounts ADD COLUMN region text",
      "CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int NOT NULL",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    guard !context.migration.created(MigrationFacts.table(context.root)) else { return [] }
    return MigrationFacts.alterCommands(context.root).compactMap { subtype, command in
      guard subtype == "AT_AddColumn", let column = command.node(.def) else { return nil }
      let kinds = column.list(.constraints).compactMap { $0.string(.contype) }
      guard kinds.contains("CONSTR_NOTNULL") || kinds.contains("CONSTR_PRIMARY"),
        !kinds.contains("CONSTR_DEFAULT"), !kinds.contains("CONSTR_IDENTITY"), !kinds.contains("CONSTR_GENERATED"),
        AddColumnVolatileDefaultRule.rewriteCause(of: column) == nil
      else { return nil }
      return RuleViolation(
        offset: column.location ?? context.statement.start,
        message: "ADD COLUMN \(column.string(.colname) ?? "") NOT NULL without a default fails as soon as the table has a row",
        help: "give it a constant DEFAULT, or add it nullable, backfill, then SET NOT NULL",
        subject: MigrationFacts.subject(MigrationFacts.table(context.root)))
    }
  }
}
