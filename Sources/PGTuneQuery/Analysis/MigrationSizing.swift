/// With a database, a migration finding's severity follows the size of the table it touches:
/// locking or rewriting an empty table is instant, and on a table of a few thousand rows it is
/// brief; on a large one it is the outage the rule is about. The catalog's `reltuples` says which
/// (a table the catalog does not know is created by an earlier migration: left as it is).
enum MigrationSizing {
  /// The migration rules whose harm grows with the table (a CONCURRENTLY in a transaction fails
  /// whatever the size; a missing lock_timeout hurts by the traffic, not the size).
  static let sizedRules: Set<String> = [
    "index-without-concurrently", "constraint-without-not-valid", "set-not-null-on-existing-column", "column-type-change",
    "add-column-volatile-default", "add-column-not-null-without-default", "add-unique-constraint", "vacuum-full-or-cluster",
  ]

  static func sized(_ files: [FileAnalysis], catalog: CatalogFacts?, largeTableRows: Int) -> [FileAnalysis] {
    guard let catalog else { return files }
    return files.map { file in
      var file = file
      for index in file.statements.indices where file.statements[index].findings.contains(where: { sizedRules.contains($0.rule) }) {
        file.statements[index].findings = file.statements[index].findings.map {
          sized($0, catalog: catalog, largeTableRows: largeTableRows)
        }
      }
      return file
    }
  }

  static func sized(_ finding: Finding, catalog: CatalogFacts, largeTableRows: Int) -> Finding {
    guard sizedRules.contains(finding.rule), let subject = finding.subject else { return finding }
    let parts = subject.split(separator: ".", maxSplits: 1).map(String.init)
    let relation = parts.count == 2 ? catalog.relation(schema: parts[0], name: parts[1]) : catalog.relation(schema: nil, name: subject)
    guard let relation, relation.kind == "r" || relation.kind == "p" || relation.kind == "m" else { return finding }
    let rows = relation.rows ?? (relation.pages == 0 ? 0 : nil)
    guard let rows else { return finding }
    let severity: Severity
    let note: String
    if rows < 1 && relation.pages <= 1 {
      severity = .info
      note = finding.rule == "add-column-not-null-without-default"
        ? "\(relation.schema).\(relation.name) is empty on this database: it passes here and fails where the table has rows"
        : "\(relation.schema).\(relation.name) is empty on this database: instant here"
    } else if rows < Double(largeTableRows) {
      severity = finding.rule == "add-column-not-null-without-default" ? finding.severity : .info
      note = "\(relation.schema).\(relation.name) has ~\(Int(rows.rounded())) rows here: brief on this database"
    } else {
      severity = finding.severity
      note = "\(relation.schema).\(relation.name) has ~\(Int(min(rows, 1e15).rounded())) rows"
    }
    return Finding(
      rule: finding.rule, severity: severity, message: "\(finding.message) (\(note))", offset: finding.offset,
      help: finding.help, cause: finding.cause, subject: finding.subject, confirmedByPlan: finding.confirmedByPlan)
  }
}
