/// The fix of `SelectStarRule`: built on the parse tree, deparsed by libpg_query.
extension SelectStarRule: RewritingRule {
  static var fixNeedsCatalog: Bool { true }

  func fix(_ statement: EditableNode, _ context: FixContext) -> RuleFix? {
    guard let catalog = context.catalog else { return nil }
    return Self.expandStar(statement, root: context.root, catalog: catalog).map {
      RuleFix($0, caveat: "lists the columns the table has today: a column added later is not returned")
    }
  }

  static func expandStar(_ statement: EditableNode, root: Node, catalog: CatalogFacts) -> EditableNode? {
    guard statement.kind == .selectStmt, statement.items(.fromClause).count == 1,
      let relation = statement.items(.fromClause).first, relation.kind == .rangeVar, let name = relation.text(.relname),
      let table = catalog.relation(schema: relation.text(.schemaname), name: name)
    else { return nil }
    let columns = catalog.columns(of: table)
    guard !columns.isEmpty else { return nil }
    var expanded: [EditableNode] = []
    for target in statement.items(.targetList) {
      if let value = target.child(.val), value.kind == .columnRef, value.items(.fields).last?.kind == .aStar {
        expanded += columns.map { EditableNode(.resTarget, [.val: .node(.columnReference([$0.name]))]) }
      } else {
        expanded.append(target)
      }
    }
    var rewritten = statement
    rewritten[.targetList] = .list(expanded)
    return rewritten
  }
}
