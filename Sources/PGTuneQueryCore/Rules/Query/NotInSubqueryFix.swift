/// The fix of `NotInSubqueryRule`: built on the parse tree, deparsed by libpg_query.
extension NotInSubqueryRule: RewritingRule {
  func fix(_ statement: EditableNode, _ context: FixContext) -> RuleFix? {
    let (rewritten, caveat) = Self.notInToNotExists(statement, root: context.root, catalog: context.catalog)
    return RuleFix(rewritten, caveat: caveat)
  }

  static func notInToNotExists(_ statement: EditableNode, root: Node, catalog: CatalogFacts?) -> (EditableNode, String?) {
    var nullable = false
    let rewritten = statement.transformed { query in
      guard [.selectStmt, .updateStmt, .deleteStmt].contains(query.kind), let predicate = query.child(.whereClause) else {
        return nil
      }
      // Inside the subquery an unqualified outer column would bind to the subquery's own tables:
      // qualify it with the outer query's only table, or leave the statement alone.
      let outerItems = query.kind == .selectStmt ? query.items(.fromClause) : [query.child(.relation)].compactMap { $0 }
      let qualifier: String? =
        outerItems.count == 1 && outerItems[0].kind == .rangeVar
        ? outerItems[0].child(.alias)?.text(.aliasname) ?? outerItems[0].text(.relname) : nil
      var changed = false
      let rewrittenConjuncts = predicate.conjuncts.map { conjunct -> EditableNode in
        guard conjunct.kind == .boolExpr, conjunct.text(.boolop) == "NOT_EXPR", let sublink = conjunct.items(.args).first,
          sublink.kind == .subLink, sublink.text(.subLinkType) == "ANY_SUBLINK", var outer = sublink.child(.testexpr),
          var inner = sublink.child(.subselect), inner.items(.targetList).count == 1,
          let innerColumn = inner.items(.targetList).first?.child(.val), outer.kind == .columnRef
        else { return conjunct }
        let parts = outer.items(.fields).compactMap { $0.text(.sval) }
        if parts.count == 1 {
          guard let qualifier else { return conjunct }
          outer = .columnReference([qualifier, parts[0]])
        }
        nullable = nullable || !provablyNotNull(outer, catalog: catalog) || !provablyNotNull(innerColumn, catalog: catalog)
        let existing = inner.child(.whereClause)
        inner = inner.selectingOne()
        inner[.whereClause] = .node(.and([existing, .operation("=", innerColumn, outer)].compactMap { $0 }))
        changed = true
        return .exists(inner, negated: true)
      }
      guard changed else { return nil }
      var copy = query
      copy[.whereClause] = .node(.and(rewrittenConjuncts))
      return copy
    }
    let caveat =
      nullable
      ? "equivalent only if neither column can be NULL: NOT IN returns no row when the subquery yields a NULL, NOT EXISTS ignores it"
      : nil
    return (rewritten, caveat)
  }

  /// A column is provably NOT NULL when its name is unique among the catalog's tables that
  /// have it and that column is declared NOT NULL there.
  static func provablyNotNull(_ column: EditableNode, catalog: CatalogFacts?) -> Bool {
    guard let catalog, column.kind == .columnRef, let name = column.items(.fields).last?.text(.sval) else { return false }
    let owners = catalog.columns.values.flatMap { $0 }.filter { $0.name == name }
    return !owners.isEmpty && owners.allSatisfy(\.notNull)
  }
}
