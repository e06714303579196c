/// The fix of `CountForExistenceRule`: built on the parse tree, deparsed by libpg_query.
extension CountForExistenceRule: RewritingRule {
  func fix(_ statement: EditableNode, _ context: FixContext) -> RuleFix? {
    Self.countToExists(statement).map { RuleFix($0) }
  }

  static func countToExists(_ statement: EditableNode) -> EditableNode? {
    // SELECT count(*) > 0 FROM t WHERE …  →  SELECT EXISTS (SELECT 1 FROM t WHERE …)
    if statement.kind == .selectStmt, statement.items(.targetList).count == 1,
      let target = statement.items(.targetList).first?.child(.val), let negated = existenceTest(target, counted: isCount),
      statement.items(.groupClause).isEmpty, statement.child(.havingClause) == nil, !statement.items(.fromClause).isEmpty
    {
      var inner = statement.selectingOne()
      inner[.sortClause] = nil
      let outer = EditableNode(
        .selectStmt,
        [
          .targetList: .list([EditableNode(.resTarget, [.val: .node(.exists(inner, negated: negated))])]),
          .limitOption: .string("LIMIT_OPTION_DEFAULT"), .op: .string("SETOP_NONE"),
        ])
      return outer
    }
    // (SELECT count(*) FROM …) > 0  →  EXISTS (SELECT 1 FROM …)
    return statement.transformed { node in
      guard let negated = existenceTest(node, counted: isCountSubquery) else { return nil }
      let sides = [node.child(.lexpr), node.child(.rexpr)].compactMap { $0 }
      guard let sublink = sides.first(where: isCountSubquery), let query = sublink.child(.subselect) else { return nil }
      return .exists(query.selectingOne(), negated: negated)
    }
  }

  /// For `x > 0`, `x >= 1`, `x <> 0`, `0 < x`…: false (exists); for `x = 0`, `x < 1`: true (not exists).
  private static func existenceTest(_ node: EditableNode, counted: (EditableNode) -> Bool) -> Bool? {
    guard node.kind == .aExpr, node.text(.kind) == "AEXPR_OP", let name = node.names(.name).last,
      let left = node.child(.lexpr), let right = node.child(.rexpr)
    else { return nil }
    func value(_ constant: EditableNode) -> Int64? {
      guard constant.kind == .aConst, case .node(let integer)? = constant[.ival], case .integer(let value)? = integer[.ival]
      else { return nil }
      return value
    }
    let mirrored = ["<": ">", ">": "<", "<=": ">=", ">=": "<="]
    let (operation, number): (String, Int64)
    if counted(left), let constant = value(right) {
      (operation, number) = (name, constant)
    } else if counted(right), let constant = value(left) {
      (operation, number) = (mirrored[name] ?? name, constant)
    } else {
      return nil
    }
    switch (operation, number) {
    case (">", 0), (">=", 1), ("<>", 0), ("!=", 0): return false
    case ("=", 0), ("<", 1), ("<=", 0): return true
    default: return nil
    }
  }

  private static func isCount(_ node: EditableNode) -> Bool {
    node.kind == .funcCall && node.names(.funcname).last?.lowercased() == "count" && node[.over] == nil
  }

  private static func isCountSubquery(_ node: EditableNode) -> Bool {
    guard node.kind == .subLink, node.text(.subLinkType) == "EXPR_SUBLINK", let query = node.child(.subselect),
      query.items(.groupClause).isEmpty, query.items(.targetList).count == 1,
      let value = query.items(.targetList).first?.child(.val)
    else { return false }
    return isCount(value)
  }
}
