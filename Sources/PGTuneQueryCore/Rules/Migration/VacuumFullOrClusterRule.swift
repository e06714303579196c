/// `VACUUM FULL` and `CLUSTER`: rewrite the table under an ACCESS EXCLUSIVE lock.
struct VacuumFullOrClusterRule: QueryRule {
  static let description = RuleDescription(
    id: "vacuum-full-or-cluster",
    summary: "VACUUM FULL and CLUSTER lock the table for the whole rewrite",
    rationale: """
      VACUUM FULL and CLUSTER copy the whole table and rebuild its indexes while holding an \
      ACCESS EXCLUSIVE lock: no read or write until they finish, and they need room for a second \
      copy. Plain VACUUM (with autovacuum tuned) keeps bloat in check without the lock; \
      pg_repack rewrites online when space must be given back.
      """,
    defaultSeverity: .warning,
    triggering: [
      "↓VACUUM FULL orders",
      "↓VACUUM (FULL, ANALYZE) orders",
      "↓CLUSTER orders USING orders_pkey",
    ],
    nonTriggering: [
      "VACUUM orders",
      "VACUUM (ANALYZE) orders",
    ])

  func check(_ context: RuleContext) -> [RuleViolation] {
    let root = context.root
    guard root.kind == .clusterStmt || (root.kind == .vacuumStmt && Self.isFull(root)) else { return [] }
    let command = root.kind == .clusterStmt ? "CLUSTER" : "VACUUM FULL"
    return [
      RuleViolation(
        offset: context.statement.start,
        message: "\(command) rewrites the table under an ACCESS EXCLUSIVE lock: no read or write until it ends",
        help: "use plain VACUUM (and tune autovacuum), or pg_repack to give space back online",
        subject: MigrationFacts.subject(root.kind == .clusterStmt ? root.node(.relation) : root.list(.rels).first?.node(.relation)))
    ]
  }

  /// `VACUUM FULL` / `VACUUM (FULL)` — not ANALYZE-only or plain VACUUM.
  static func isFull(_ root: Node) -> Bool {
    root.bool(.isVacuumcmd) && root.list(.options).contains { option in
      option.string(.defname) == "full" && (option.node(.arg)?.booleanConstant ?? true)
    }
  }
}
