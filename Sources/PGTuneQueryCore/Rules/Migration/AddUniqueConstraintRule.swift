/// `ADD CONSTRAINT … UNIQUE / PRIMARY KEY` that builds its index under the table lock.
struct AddUniqueConstraintRule: QueryRule {
  static let description = RuleDescription(
    id: "add-unique-constraint",
    summary: "ADD UNIQUE / PRIMARY KEY builds its index while the table is locked",
    rationale: """
      ALTER TABLE … ADD UNIQUE (or PRIMARY KEY) builds the index while holding an ACCESS \
      EXCLUSIVE lock: nothing reads or writes the table until the build ends. Build the index \
      first with CREATE UNIQUE INDEX CONCURRENTLY, then attach it: ADD CONSTRAINT … UNIQUE \
      USING INDEX (a catalog change).
      """,
    defaultSeverity: .warning,
    triggering: [
      "ALTER TABLE accounts ADD ↓CONSTRAINT accounts_email_key UNIQUE (email)",
      "ALTER TABLE events ADD ↓PRIMARY KEY (id)",
    ],
    nonTriggering: [
      "ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_idx",
      "CREATE TABLE t (a int); ALTER TABLE t ADD PRIMARY KEY (a)",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    guard !context.migration.created(MigrationFacts.table(context.root)) else { return [] }
    return MigrationFacts.alterCommands(context.root).compactMap { subtype, command in
      guard subtype == "AT_AddConstraint", let constraint = command.node(.def),
        ["CONSTR_UNIQUE", "CONSTR_PRIMARY", "CONSTR_EXCLUSION"].contains(constraint.string(.contype) ?? ""),
        constraint.string(.indexname) == nil
      else { return nil }
      return RuleViolation(
        offset: constraint.location ?? context.statement.start,
        message: "this constraint builds its index under an ACCESS EXCLUSIVE lock on the table",
        help: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX",
        subject: MigrationFacts.subject(MigrationFacts.table(context.root)))
    }
  }
}
