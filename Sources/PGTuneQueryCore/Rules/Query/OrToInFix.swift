/// The fix of `OrToInRule`: built on the parse tree, deparsed by libpg_query.
extension OrToInRule: RewritingRule {
  func fix(_ statement: EditableNode, _ context: FixContext) -> RuleFix? {
    // `a = 1 OR a = 2` and `a IN (1, 2)` are the same predicate, NULLs included (both unknown).
    RuleFix(Self.orToIn(statement))
  }

  static func orToIn(_ statement: EditableNode) -> EditableNode {
    statement.transformed { node in
      guard node.kind == .boolExpr, node.text(.boolop) == "OR_EXPR" else { return nil }
      var column: EditableNode?
      // The first column without its locations, compared with each other term's (once each).
      var columnShape: EditableNode?
      var values: [EditableNode] = []
      for argument in node.items(.args) {
        guard argument.kind == .aExpr, argument.text(.kind) == "AEXPR_OP", argument.names(.name) == ["="],
          let left = argument.child(.lexpr), let right = argument.child(.rexpr)
        else { return nil }
        let (key, value) = left.kind == .columnRef && right.isColumnFree ? (left, right) : (right, left)
        guard key.kind == .columnRef, value.isColumnFree else { return nil }
        let shape = key.withoutLocations
        guard columnShape == nil || columnShape == shape else { return nil }
        column = column ?? key
        columnShape = shape
        values.append(value)
      }
      guard let column, values.count >= 2 else { return nil }
      return EditableNode(
        .aExpr,
        [.kind: .string("AEXPR_IN"), .name: .list([.string("=")]), .lexpr: .node(column),
          .rexpr: .node(EditableNode(.list, [.items: .list(values)]))])
    }
  }
}
