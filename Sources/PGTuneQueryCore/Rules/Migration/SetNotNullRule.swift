/// `ALTER COLUMN … SET NOT NULL` on an existing table without a validated check constraint.
struct SetNotNullRule: QueryRule {
  static let description = RuleDescription(
    id: "set-not-null-on-existing-column",
    summary: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
    rationale: """
      ALTER COLUMN … SET NOT NULL reads every row to prove there is no NULL, holding an ACCESS \
      EXCLUSIVE lock: nothing can read or write the table meanwhile. Since PostgreSQL 12 the scan \
      is skipped when a validated CHECK (column IS NOT NULL) constraint exists: add it NOT VALID, \
      VALIDATE it (writes go on), then SET NOT NULL and drop the check.
      """,
    defaultSeverity: .warning,
    triggering: [
      "↓ALTER TABLE accounts ALTER COLUMN email SET NOT NULL",
    ],
    nonTriggering: [
      "ALTER TABLE accounts ADD CONSTRAINT email_not_null CHECK (email IS NOT NULL); ALTER TABLE accounts ALTER COLUMN email SET NOT NULL",
      "CREATE TABLE t (a int); ALTER TABLE t ALTER COLUMN a SET NOT NULL",
      "ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    let table = MigrationFacts.table(context.root)
    guard !context.migration.created(table), let tableName = table?.string(.relname) else { return [] }
    return MigrationFacts.alterCommands(context.root).compactMap { subtype, command in
      guard subtype == "AT_SetNotNull", let column = command.string(.name),
        !context.migration.notNullChecked(table: tableName, column: column)
      else { return nil }
      return RuleViolation(
        offset: context.statement.start,
        message: "SET NOT NULL on \(column) reads the whole table under an ACCESS EXCLUSIVE lock",
        help: "first ADD CONSTRAINT \(column)_not_null CHECK (\(column) IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT \(column)_not_null",
        subject: MigrationFacts.subject(table))
    }
  }
}
