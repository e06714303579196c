/// The fix of `UnionWithoutAllRule`: `UNION` → `UNION ALL`, only where both give the same rows.
///
/// UNION removes duplicates across the branches *and within each branch*. So UNION ALL is
/// equivalent only when
/// 1. the branches are disjoint: the same table, and a column that both branches return at the
///    same output position is pinned to different constants (`k = 1` / `k = 2`); a pinned
///    column that is not returned proves nothing, since the returned rows can still be equal; and
/// 2. neither branch can return a row twice: it is `DISTINCT`, or it groups by columns that it
///    all returns, or (with a catalog) it returns every column of a unique, non-null key.
/// Constants must be distinct values, not only distinct text: integers, or strings compared with
/// a `text`/`varchar` column (`'2024-1-1'` and `'2024-01-01'` are one date).
extension UnionWithoutAllRule: RewritingRule {
  func fix(_ statement: EditableNode, _ context: FixContext) -> RuleFix? {
    guard statement.kind == .selectStmt, statement.text(.op) == "SETOP_UNION", statement[.all] != .bool(true),
      let left = statement.child(.larg), let right = statement.child(.rarg),
      let leftBranch = Branch(left, catalog: context.catalog), let rightBranch = Branch(right, catalog: context.catalog),
      leftBranch.table == rightBranch.table, leftBranch.outputs.count == rightBranch.outputs.count,
      leftBranch.disjoint(from: rightBranch, catalog: context.catalog),
      leftBranch.returnsNoDuplicates(catalog: context.catalog), rightBranch.returnsNoDuplicates(catalog: context.catalog)
    else { return nil }
    var rewritten = statement
    rewritten[.all] = .bool(true)
    return RuleFix(rewritten)
  }

  /// One side of the UNION: a plain SELECT from one table.
  struct Branch {
    let table: (schema: String?, name: String)
    /// Output columns by position; nil where the output is not a plain column.
    let outputs: [String?]
    /// Columns pinned by `column = constant` conjuncts of the WHERE clause.
    let pinned: [String: EditableNode]
    let distinct: Bool
    let groupedBy: [String?]

    init?(_ query: EditableNode, catalog: CatalogFacts?) {
      guard query.text(.op) == "SETOP_NONE", query.items(.fromClause).count == 1,
        let relation = query.items(.fromClause).first, relation.kind == .rangeVar, let name = relation.text(.relname)
      else { return nil }
      table = (relation.text(.schemaname), name)
      var outputs: [String?] = []
      for target in query.items(.targetList) {
        guard let value = target.child(.val) else { return nil }
        if value.kind == .columnRef, value.items(.fields).last?.kind == .aStar {
          // `*` returns every column, in table order: only known with a catalog.
          guard let catalog, let found = catalog.relation(schema: table.schema, name: name) else { return nil }
          outputs += catalog.columns(of: found).map(\.name)
        } else {
          outputs.append(Self.columnName(value))
        }
      }
      self.outputs = outputs
      var pinned: [String: EditableNode] = [:]
      for conjunct in query.child(.whereClause)?.conjuncts ?? [] {
        guard conjunct.kind == .aExpr, conjunct.text(.kind) == "AEXPR_OP", conjunct.names(.name) == ["="],
          let left = conjunct.child(.lexpr), let right = conjunct.child(.rexpr)
        else { continue }
        if let column = Self.columnName(left), right.kind == .aConst {
          pinned[column] = right.withoutLocations
        } else if let column = Self.columnName(right), left.kind == .aConst {
          pinned[column] = left.withoutLocations
        }
      }
      self.pinned = pinned
      distinct = !query.items(.distinctClause).isEmpty
      groupedBy = query.items(.groupClause).map(Self.columnName)
    }

    static func columnName(_ node: EditableNode) -> String? {
      guard node.kind == .columnRef else { return nil }
      return node.items(.fields).last?.text(.sval)
    }

    /// Some returned column is pinned to different values on the two sides.
    func disjoint(from other: Branch, catalog: CatalogFacts?) -> Bool {
      outputs.indices.contains { position in
        guard let column = outputs[position], other.outputs[position] == column,
          let mine = pinned[column], let theirs = other.pinned[column]
        else { return false }
        return Self.differentValues(mine, theirs, column: column, table: table, catalog: catalog)
      }
    }

    static func differentValues(
      _ a: EditableNode, _ b: EditableNode, column: String, table: (schema: String?, name: String), catalog: CatalogFacts?
    ) -> Bool {
      if let x = a.integerValue, let y = b.integerValue { return x != y }
      guard let x = a.stringValue, let y = b.stringValue, x != y, let catalog,
        let relation = catalog.relation(schema: table.schema, name: table.name),
        let type = catalog.columns(of: relation).first(where: { $0.name == column })?.type
      else { return false }
      // Only types whose equality is the text's (char(n) ignores trailing blanks, dates parse).
      return type == "text" || type.hasPrefix("character varying")
    }

    /// The branch cannot return the same row twice.
    func returnsNoDuplicates(catalog: CatalogFacts?) -> Bool {
      if distinct { return true }
      let returned = Set(outputs.compactMap { $0 })
      if !groupedBy.isEmpty, groupedBy.allSatisfy({ $0.map(returned.contains) ?? false }) { return true }
      guard let catalog, let relation = catalog.relation(schema: table.schema, name: table.name) else { return false }
      let notNull = Set(catalog.columns(of: relation).filter(\.notNull).map(\.name))
      return catalog.indexes(on: relation).contains { index in
        index.isUnique && index.predicate == nil && !index.keys.isEmpty
          && index.keys.allSatisfy { returned.contains($0) && notNull.contains($0) }
      }
    }
  }
}

extension EditableNode {
  /// The value of an integer constant (`42`), if this is one.
  var integerValue: Int64? {
    guard kind == .aConst, case .node(let integer)? = self[.ival], case .integer(let value)? = integer[.ival] else {
      return nil
    }
    return value
  }

  /// The text of a string constant (`'abc'`), if this is one.
  var stringValue: String? {
    guard kind == .aConst, case .node(let string)? = self[.sval] else { return nil }
    return string.text(.sval)
  }
}
