/// Comma joins written as `JOIN … ON`: not a rule's fix (the join is fine), a clearer statement.
enum ImplicitJoinRewrite {
  static func commaJoinToExplicit(_ statement: EditableNode) -> EditableNode? {
    guard statement.kind == .selectStmt else { return nil }
    let items = statement.items(.fromClause)
    guard items.count >= 2, items.allSatisfy({ $0.kind == .rangeVar }), let predicate = statement.child(.whereClause)
    else { return nil }
    let names = items.map { item in item.child(.alias)?.text(.aliasname) ?? item.text(.relname) ?? "" }
    var remaining = predicate.conjuncts
    func qualifiers(_ node: EditableNode) -> Set<String>? {
      var result = Set<String>()
      var unqualified = false
      _ = node.contains { child in
        guard child.kind == .columnRef else { return false }
        let parts = child.items(.fields).compactMap { $0.text(.sval) }
        if parts.count >= 2 { result.insert(parts[parts.count - 2]) } else { unqualified = true }
        return false
      }
      return unqualified ? nil : result
    }
    var joined = items[0]
    var joinedNames: Set<String> = [names[0]]
    for index in 1..<items.count {
      let name = names[index]
      let conditions = remaining.filter { conjunct in
        guard let used = qualifiers(conjunct), used.contains(name), used.count >= 2 else { return false }
        return used.subtracting(joinedNames.union([name])).isEmpty
      }
      guard !conditions.isEmpty else { return nil }
      remaining.removeAll { candidate in conditions.contains(candidate) }
      joined = EditableNode(
        .joinExpr,
        [.jointype: .string("JOIN_INNER"), .larg: .node(joined), .rarg: .node(items[index]), .quals: .node(.and(conditions))])
      joinedNames.insert(name)
    }
    var rewritten = statement
    rewritten[.fromClause] = .list([joined])
    rewritten[.whereClause] = remaining.isEmpty ? nil : .node(.and(remaining))
    return rewritten
  }
}
