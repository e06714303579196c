/// `ALTER TABLE … ADD FOREIGN KEY / CHECK` without `NOT VALID` on an existing table.
struct ConstraintWithoutNotValidRule: QueryRule {
  static let description = RuleDescription(
    id: "constraint-without-not-valid",
    summary: "a foreign key or check constraint added without NOT VALID scans the table under lock",
    rationale: """
      Adding a FOREIGN KEY or CHECK constraint validates every existing row while holding the \
      lock (SHARE ROW EXCLUSIVE on both tables for a foreign key: writes wait; ACCESS EXCLUSIVE \
      for a check: everything waits). Add it NOT VALID — new rows are checked at once — then \
      VALIDATE CONSTRAINT in a later statement, which only takes a lock that lets writes go on.
      """,
    defaultSeverity: .warning,
    triggering: [
      "ALTER TABLE orders ADD ↓CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)",
      "ALTER TABLE orders ADD ↓CHECK (total >= 0)",
    ],
    nonTriggering: [
      "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID",
      "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk",
      "CREATE TABLE items (id int, n int); ALTER TABLE items ADD CHECK (n > 0)",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    guard !context.migration.created(MigrationFacts.table(context.root)) else { return [] }
    return MigrationFacts.alterCommands(context.root).compactMap { subtype, command in
      guard subtype == "AT_AddConstraint", let constraint = command.node(.def),
        ["CONSTR_FOREIGN", "CONSTR_CHECK"].contains(constraint.string(.contype) ?? ""), !constraint.bool(.skipValidation)
      else { return nil }
      let kind = constraint.string(.contype) == "CONSTR_FOREIGN" ? "foreign key" : "check constraint"
      return RuleViolation(
        offset: constraint.location ?? context.statement.start,
        message: "adding a \(kind) without NOT VALID checks every existing row while holding the lock",
        help: "add it NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT in a separate statement",
        subject: MigrationFacts.subject(MigrationFacts.table(context.root)))
    }
  }
}
