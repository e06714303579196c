/// The fix of `LargeOffsetRule`: built on the parse tree, deparsed by libpg_query.
extension LargeOffsetRule: RewritingRule {
  static var fixNeedsCatalog: Bool { true }

  func fix(_ statement: EditableNode, _ context: FixContext) -> RuleFix? {
    guard let catalog = context.catalog else { return nil }
    return Self.keysetPagination(statement, root: context.root, catalog: catalog).map {
      RuleFix(
        $0, caveat: "a suggested shape: $1… are the sort key values of the last row of the previous page",
        pricing: .unpriceable)
    }
  }

  static func keysetPagination(_ statement: EditableNode, root: Node, catalog: CatalogFacts) -> EditableNode? {
    guard statement.kind == .selectStmt, statement.child(.limitOffset) != nil,
      statement.items(.fromClause).count == 1, let relation = statement.items(.fromClause).first,
      relation.kind == .rangeVar, let name = relation.text(.relname),
      let table = catalog.relation(schema: relation.text(.schemaname), name: name)
    else { return nil }
    let sorts = statement.items(.sortClause)
    let keys = sorts.compactMap { $0.child(.node) }.filter { $0.kind == .columnRef }
    guard !keys.isEmpty, keys.count == sorts.count else { return nil }
    let names = keys.compactMap { $0.items(.fields).last?.text(.sval) }
    // The sort key must be unique, or rows with equal keys would be skipped or repeated.
    guard catalog.indexes(on: table).contains(where: { $0.isUnique && $0.predicate == nil && Set($0.keys) == Set(names) })
    else { return nil }
    let descending = sorts.first?.text(.sortbyDir) == "SORTBY_DESC"
    guard sorts.allSatisfy({ ($0.text(.sortbyDir) == "SORTBY_DESC") == descending }) else { return nil }
    let parameters = keys.indices.map { EditableNode(.paramRef, [.number: .integer(Int64($0 + 1))]) }
    let row = { (items: [EditableNode]) in
      items.count == 1 ? items[0] : EditableNode(.rowExpr, [.args: .list(items), .rowFormat: .string("COERCE_IMPLICIT_CAST")])
    }
    let after = EditableNode.operation(descending ? "<" : ">", row(keys), row(parameters))
    var rewritten = statement
    rewritten[.limitOffset] = nil
    rewritten[.whereClause] = .node(.and([statement.child(.whereClause), after].compactMap { $0 }))
    if rewritten[.limitCount] == nil {
      rewritten[.limitCount] = .node(.integerConstant(20))
      rewritten[.limitOption] = .string("LIMIT_OPTION_COUNT")
    }
    return rewritten
  }
}
