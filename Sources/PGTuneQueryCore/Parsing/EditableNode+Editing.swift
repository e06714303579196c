/// Building and inspecting editable trees: what rewrites are made of.
extension EditableNode {
  /// Rebuilds the tree bottom-up, replacing each node for which `change` returns a value.
  /// Subqueries are entered like any other node.
  func transformed(_ change: (EditableNode) -> EditableNode?) -> EditableNode { rewritten(change) ?? self }

  /// The node with `change` applied below and at it; nil when nothing changed. An unchanged
  /// subtree is visited but never copied: rebuilding every node's fields made a rewrite of a
  /// 100,000-term OR cost seconds in copies of nodes it left as they were.
  private func rewritten(_ change: (EditableNode) -> EditableNode?) -> EditableNode? {
    var copy: EditableNode?
    for (field, value) in fields {
      switch value {
      case .node(let child):
        if let new = child.rewritten(change) {
          if copy == nil { copy = self }
          copy?[field] = .node(new)
        }
      case .list(let items):
        var changed: [EditableNode]?
        for (position, item) in items.enumerated() {
          guard let new = item.rewritten(change) else { continue }
          if changed == nil { changed = items }
          changed?[position] = new
        }
        if let changed {
          if copy == nil { copy = self }
          copy?[field] = .list(changed)
        }
      default: break
      }
    }
    return change(copy ?? self) ?? copy
  }

  /// Whether `predicate` holds for this node or any node below it.
  package func contains(where predicate: (EditableNode) -> Bool) -> Bool {
    if predicate(self) { return true }
    for value in fields.values {
      switch value {
      case .node(let child): if child.contains(where: predicate) { return true }
      case .list(let items): if items.contains(where: { $0.contains(where: predicate) }) { return true }
      default: break
      }
    }
    return false
  }

  package var child: (FieldName) -> EditableNode? {
    { field in if case .node(let node)? = self[field] { return node } else { return nil } }
  }

  package func items(_ field: FieldName) -> [EditableNode] {
    if case .list(let items)? = self[field] { return items }
    return []
  }

  package func text(_ field: FieldName) -> String? {
    if case .string(let value)? = self[field] { return value }
    return nil
  }

  /// `String` nodes of a name list, e.g. an operator name.
  func names(_ field: FieldName) -> [String] { items(field).compactMap { $0.text(.sval) } }

  static func string(_ value: String) -> EditableNode { EditableNode(.string, [.sval: .string(value)]) }

  static func operation(_ name: String, _ left: EditableNode, _ right: EditableNode) -> EditableNode {
    EditableNode(
      .aExpr, [.kind: .string("AEXPR_OP"), .name: .list([.string(name)]), .lexpr: .node(left), .rexpr: .node(right)])
  }

  package static func and(_ operands: [EditableNode]) -> EditableNode {
    operands.count == 1 ? operands[0] : EditableNode(.boolExpr, [.boolop: .string("AND_EXPR"), .args: .list(operands)])
  }

  static func exists(_ query: EditableNode, negated: Bool) -> EditableNode {
    let sublink = EditableNode(.subLink, [.subLinkType: .string("EXISTS_SUBLINK"), .subselect: .node(query)])
    return negated ? EditableNode(.boolExpr, [.boolop: .string("NOT_EXPR"), .args: .list([sublink])]) : sublink
  }

  /// `SELECT 1 FROM …` from a query: same FROM and WHERE, no output columns worth reading.
  func selectingOne() -> EditableNode {
    var query = self
    query[.targetList] = .list([EditableNode(.resTarget, [.val: .node(.integerConstant(1))])])
    return query
  }

  var isNullConstant: Bool { kind == .aConst && self[.isnull] == .bool(true) }
  var isColumnFree: Bool { !contains { $0.kind == .columnRef || $0.kind == .subLink } }

  /// The operands of a chain of ANDs (a single operand for anything else).
  package var conjuncts: [EditableNode] {
    kind == .boolExpr && text(.boolop) == "AND_EXPR" ? items(.args).flatMap(\.conjuncts) : [self]
  }

  /// The same node without location fields, to compare expressions written at different places.
  var withoutLocations: EditableNode {
    var copy = transformed { child in
      var stripped = child
      stripped[.location] = nil
      return stripped
    }
    copy[.location] = nil
    return copy
  }
}
