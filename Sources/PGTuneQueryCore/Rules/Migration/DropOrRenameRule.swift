/// `DROP` or `RENAME` of a table or column the running application may still use.
struct DropOrRenameRule: QueryRule {
  static let description = RuleDescription(
    id: "drop-or-rename",
    summary: "dropping or renaming a table or column breaks code that still uses it",
    rationale: """
      During a deploy the old version of the application keeps running against the new schema: \
      a column or table it reads that is dropped or renamed makes its queries fail until every \
      instance is replaced. Stop using the name first (one release), then drop it (the next); \
      rename by adding the new name and migrating readers. Informational: sometimes this is \
      the second step.
      """,
    defaultSeverity: .info,
    triggering: [
      "↓ALTER TABLE accounts DROP COLUMN legacy_flag",
      "↓ALTER TABLE accounts RENAME COLUMN name TO full_name",
      "↓DROP TABLE old_sessions",
      "↓ALTER TABLE orders RENAME TO purchases",
    ],
    nonTriggering: [
      "ALTER TABLE accounts ADD COLUMN note text",
      "CREATE TABLE scratch (a int); DROP TABLE scratch",
      "DROP INDEX CONCURRENTLY orders_status_idx",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    let root = context.root
    let what: String?
    switch root.kind {
    case .dropStmt where root.string(.removeType) == "OBJECT_TABLE":
      let names = root.list(.objects).map { $0.names(.items).last ?? "" }
      what = names.allSatisfy({ context.migration.created($0) }) ? nil : "dropping a table"
    case .renameStmt where ["OBJECT_TABLE", "OBJECT_COLUMN"].contains(root.string(.renameType) ?? ""):
      what = context.migration.created(root.node(.relation)) ? nil : "renaming a \(root.string(.renameType) == "OBJECT_COLUMN" ? "column" : "table")"
    case .alterTableStmt:
      let drops = MigrationFacts.alterCommands(root).contains { $0.subtype == "AT_DropColumn" }
      what = drops && !context.migration.created(root.node(.relation)) ? "dropping a column" : nil
    default:
      what = nil
    }
    guard let what else { return [] }
    return [
      RuleViolation(
        offset: context.statement.start, message: "\(what) breaks the code that still uses the old name",
        help: "stop using it in one release, drop or rename it in the next")
    ]
  }
}
