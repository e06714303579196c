/// Typed questions rules ask of nodes, so that rule files read like the SQL they look for.
extension Node {
  /// The `sval` of each `String` node in a list field: `["public", "accounts"]`, `["lower"]`.
  public func names(_ field: FieldName) -> [String] {
    list(field).compactMap { $0.kind == .string ? $0.string(.sval) : nil }
  }

  /// For a `ColumnRef`: its name parts (`["a", "id"]`); `*` parts are left out.
  public var columnNameParts: [String] { names(.fields) }

  /// For a `ColumnRef`: whether it ends in `*` (`*` or `t.*`).
  public var isStarColumn: Bool { list(.fields).last?.kind == .aStar }

  /// For a `FuncCall`: the function name without schema, lowercased (`pg_catalog.lower` → `lower`).
  public var functionName: String? {
    guard kind == .funcCall else { return nil }
    return names(.funcname).last?.lowercased()
  }

  /// For an `A_Expr` of kind `AEXPR_OP`: the operator (`=`, `<>`, `~~`…).
  public var operatorName: String? {
    guard kind == .aExpr else { return nil }
    return names(.name).last
  }

  /// Whether this is an `A_Expr` of the given kind (`AEXPR_OP`, `AEXPR_IN`, `AEXPR_LIKE`…).
  public func isExpression(_ expressionKind: StaticString) -> Bool {
    kind == .aExpr && string(.kind, is: expressionKind)
  }

  /// For an `A_Const`: whether it is the NULL constant.
  public var isNullConstant: Bool { kind == .aConst && bool(.isnull) }

  /// For an `A_Const` holding an integer: its value (negative values repaired, see `IntegerRepair`).
  public var integerConstant: Int64? {
    guard kind == .aConst, let integer = node(.ival) else { return nil }
    return integer.integer(.ival)
  }

  /// For an `A_Const` holding a string: its value.
  public var stringConstant: String? {
    guard kind == .aConst, let string = node(.sval) else { return nil }
    return string.string(.sval) ?? ""
  }

  /// For an `A_Const`: a boolean constant's value.
  public var booleanConstant: Bool? {
    guard kind == .aConst, let boolean = node(.boolval) else { return nil }
    return boolean.bool(.boolval)
  }

  /// Whether the expression reads no column: constants, parameters, casts and functions of those.
  public var isColumnFree: Bool {
    var stack = [self]
    while let node = stack.popLast() {
      switch node.kind {
      case .columnRef, .subLink: return false
      default: node.forEachChild { _, child in stack.append(child) }
      }
    }
    return true
  }

  /// The `ColumnRef` nodes anywhere below (and including) this node, not entering subqueries.
  public var columnReferences: [Node] {
    var result: [Node] = []
    var stack = [self]
    while let node = stack.popLast() {
      if node.kind == .columnRef {
        result.append(node)
        continue
      }
      if node.kind == .subLink || node.kind == .rangeSubselect { continue }
      node.forEachChild { _, child in stack.append(child) }
    }
    return result
  }

  /// For a `BoolExpr`: whether it is an AND / OR / NOT.
  public var isAnd: Bool { kind == .boolExpr && string(.boolop, is: "AND_EXPR") }
  public var isOr: Bool { kind == .boolExpr && string(.boolop, is: "OR_EXPR") }
  public var isNot: Bool { kind == .boolExpr && string(.boolop, is: "NOT_EXPR") }

  /// The operands of a top-level AND (the node itself when it is not an AND).
  public var conjuncts: [Node] {
    var result: [Node] = []
    var stack = [self]
    while let node = stack.popLast() {
      if node.isAnd {
        stack.append(contentsOf: node.list(.args).reversed())
      } else {
        result.append(node)
      }
    }
    return result
  }

  /// The first location found in this node or below it (for nodes that have none of their own,
  /// such as `SelectStmt`).
  public var firstLocation: Int? {
    var best: Int?
    var stack = [self]
    while let node = stack.popLast() {
      if let location = node.location { best = min(best ?? location, location) }
      node.forEachChild { _, child in stack.append(child) }
    }
    return best
  }

  /// The last location found in this node or below it.
  public var lastLocation: Int? {
    var best: Int?
    var stack = [self]
    while let node = stack.popLast() {
      if let location = node.location { best = max(best ?? location, location) }
      node.forEachChild { _, child in stack.append(child) }
    }
    return best
  }
}
