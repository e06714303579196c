/// What the migration rules share (they look at the statement node only: their context has no
/// tree walk, `RuleContext.entries` is empty): the table a DDL statement changes, its ALTER TABLE commands,
/// the functions that make a default volatile.
enum MigrationFacts {
  /// The `ALTER TABLE` commands of the statement, with their subtype (`AT_AddColumn`…).
  static func alterCommands(_ root: Node) -> [(subtype: String, command: Node)] {
    guard root.kind == .alterTableStmt, root.string(.objtype) == "OBJECT_TABLE" || root.string(.objtype) == nil else { return [] }
    return root.list(.cmds).compactMap { command in command.string(.subtype).map { ($0, command) } }
  }

  /// `schema.table` or `table`: the finding's subject, by which a live run looks up the
  /// table's size (MigrationSizing).
  static func subject(_ relation: Node?) -> String? {
    guard let name = relation?.string(.relname) else { return nil }
    return relation?.string(.schemaname).map { "\($0).\(name)" } ?? name
  }

  /// The table an ALTER TABLE, CREATE INDEX or CREATE TRIGGER acts on.
  static func table(_ root: Node) -> Node? {
    switch root.kind {
    case .alterTableStmt, .indexStmt, .createTrigStmt, .renameStmt: root.node(.relation)
    default: nil
    }
  }

  /// Functions whose value changes per row, so that a column default made of them is computed
  /// for every existing row (a table rewrite) instead of stored once in the catalog.
  static let volatileFunctions: Set<String> = [
    "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "clock_timestamp", "timeofday",
    "nextval", "txid_current", "statement_timestamp",
  ]

  /// Serial types imply `DEFAULT nextval(…)`.
  static let serialTypes: Set<String> = ["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"]
}
