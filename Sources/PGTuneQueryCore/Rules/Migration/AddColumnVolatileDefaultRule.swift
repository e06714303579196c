/// `ADD COLUMN` whose default is computed per row: a table rewrite.
struct AddColumnVolatileDefaultRule: QueryRule {
  static let description = RuleDescription(
    id: "add-column-volatile-default",
    summary: "ADD COLUMN with a volatile default rewrites the table",
    rationale: """
      Since PostgreSQL 11, ADD COLUMN with a constant or stable default (0, 'new', now()) only \
      records the default in the catalog. A volatile default — random(), gen_random_uuid(), \
      clock_timestamp(), a serial's nextval(), a STORED generated column — must be computed for \
      every existing row: the table is rewritten under an ACCESS EXCLUSIVE lock. Add the column \
      without a default, set the default for new rows, and backfill in batches.
      """,
    defaultSeverity: .warning,
    triggering: [
      "ALTER TABLE accounts ADD COLUMN token uuid DEFAULT ↓gen_random_uuid()",
      "ALTER TABLE accounts ADD COLUMN ↓seq bigserial",
      "ALTER TABLE orders ADD COLUMN ↓gross numeric GENERATED ALWAYS AS (total * 1.2) STORED",
    ],
    nonTriggering: [
      "ALTER TABLE accounts ADD COLUMN created_at timestamptz DEFAULT now()",
      "ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free'",
      "CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid()",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    guard !context.migration.created(MigrationFacts.table(context.root)) else { return [] }
    return MigrationFacts.alterCommands(context.root).compactMap { subtype, command in
      guard subtype == "AT_AddColumn", let column = command.node(.def) else { return nil }
      return Self.rewriteCause(of: column).map { offset, what in
        RuleViolation(
          offset: offset,
          message: "ADD COLUMN \(column.string(.colname) ?? "") with \(what) rewrites the whole table under an ACCESS EXCLUSIVE lock",
          help: "add the column without it, ALTER COLUMN … SET DEFAULT for new rows, and backfill existing rows in batches",
          subject: MigrationFacts.subject(MigrationFacts.table(context.root)))
      }
    }
  }

  /// Where and why the new column forces a rewrite, or nil.
  static func rewriteCause(of column: Node) -> (Int, String)? {
    if let type = column.node(.typeName)?.names(.names).last, MigrationFacts.serialTypes.contains(type.lowercased()) {
      return (column.location ?? 0, "a \(type) type (nextval() for every row)")
    }
    for constraint in column.list(.constraints) {
      switch constraint.string(.contype) {
      case "CONSTR_DEFAULT":
        var stack = constraint.node(.rawExpr).map { [$0] } ?? []
        while let node = stack.popLast() {
          if node.kind == .funcCall, let name = node.functionName, MigrationFacts.volatileFunctions.contains(name) {
            return (node.location ?? constraint.location ?? 0, "the volatile default \(name)()")
          }
          node.forEachChild { _, child in stack.append(child) }
        }
      case "CONSTR_GENERATED":
        return (column.location ?? 0, "a stored generated value")
      default:
        continue
      }
    }
    return nil
  }
}
