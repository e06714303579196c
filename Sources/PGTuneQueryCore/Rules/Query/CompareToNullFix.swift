/// The fix of `CompareToNullRule`: built on the parse tree, deparsed by libpg_query.
extension CompareToNullRule: RewritingRule {
  func fix(_ statement: EditableNode, _ context: FixContext) -> RuleFix? {
    // Deliberately not equivalent: the original matched no row, which is the bug being fixed.
    RuleFix(Self.compareToNull(statement), caveat: "fixes a bug, so results change: the original condition matched no row")
  }

  static func compareToNull(_ statement: EditableNode) -> EditableNode {
    statement.transformed { node in
      guard node.kind == .aExpr, node.text(.kind) == "AEXPR_OP", let name = node.names(.name).last,
        ["=", "<>", "!="].contains(name), let left = node.child(.lexpr), let right = node.child(.rexpr)
      else { return nil }
      let operand: EditableNode
      if right.isNullConstant { operand = left } else if left.isNullConstant { operand = right } else { return nil }
      return EditableNode(
        .nullTest, [.arg: .node(operand), .nulltesttype: .string(name == "=" ? "IS_NULL" : "IS_NOT_NULL")])
    }
  }
}
