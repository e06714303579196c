/// Proposes indexes from what a statement filters, joins, sorts and groups on — never from every
/// column. It resolves aliases to catalog tables level by level (subqueries see the tables of the
/// levels around them); CTE names and views are left to the planner.
public enum CandidateFinder {
  /// How a column or expression of one table is used.
  struct Usage {
    var equality: [IndexKey] = []
    var range: [IndexKey] = []
    var pattern: [IndexKey] = []
    var order: [IndexKey] = []
    var orderIsComplete = false
    var group: [IndexKey] = []
    /// `column = constant` on a column with few distinct values: partial index material.
    var constantFilters: [(column: String, sql: String)] = []
    var selected: [String] = []
    var selectsOnlyColumns = true
  }

  struct TableReference {
    let relation: CatalogFacts.Relation
    let names: Set<String>
  }

  public static func candidates(for statement: Node, catalog: CatalogFacts) -> [IndexCandidate] {
    var usages: [String: (CatalogFacts.Relation, Usage)] = [:]
    let cteNames = Set(TreeWalker.walk(statement).compactMap { entry in
      entry.node.kind == .commonTableExpr ? entry.node.string(.ctename) : nil
    })
    for entry in TreeWalker.walk(statement) {
      let node = entry.node
      guard [.selectStmt, .updateStmt, .deleteStmt].contains(node.kind) else { continue }
      let scope = tables(in: node, catalog: catalog, ctes: cteNames)
      guard !scope.isEmpty else { continue }
      var levelUsages: [String: Usage] = [:]
      collect(from: node, scope: scope, catalog: catalog, into: &levelUsages)
      for (key, usage) in levelUsages {
        guard let table = scope.first(where: { tableKey($0.relation) == key }) else { continue }
        usages[key] = (table.relation, merge(usages[key]?.1, usage))
      }
    }
    var result: [IndexCandidate] = []
    for (_, (relation, usage)) in usages.sorted(by: { $0.key < $1.key }) {
      result += build(relation: relation, usage: usage, catalog: catalog)
    }
    var seen = Set<IndexCandidate>()
    return result.filter {
      seen.insert($0).inserted && !alreadyIndexed($0, catalog: catalog) && !extendsUniqueKey($0, catalog: catalog)
    }
  }

  static func tableKey(_ relation: CatalogFacts.Relation) -> String { "\(relation.schema).\(relation.name)" }

  private static func merge(_ existing: Usage?, _ new: Usage) -> Usage {
    guard var merged = existing else { return new }
    merged.equality += new.equality.filter { !merged.equality.contains($0) }
    merged.range += new.range.filter { !merged.range.contains($0) }
    merged.pattern += new.pattern.filter { !merged.pattern.contains($0) }
    if merged.order.isEmpty { merged.order = new.order }
    merged.group += new.group
    return merged
  }

  /// The base tables a query level reads or writes, with the names it knows them by.
  static func tables(in node: Node, catalog: CatalogFacts, ctes: Set<String>) -> [TableReference] {
    var items: [Node] = []
    switch node.kind {
    case .selectStmt: items = Array(node.list(.fromClause))
    case .updateStmt: items = [node.node(.relation)].compactMap { $0 } + Array(node.list(.fromClause))
    case .deleteStmt: items = [node.node(.relation)].compactMap { $0 } + Array(node.list(.usingClause))
    default: break
    }
    var result: [TableReference] = []
    while let item = items.popLast() {
      switch item.kind {
      case .rangeVar:
        guard let name = item.string(.relname) else { continue }
        let schema = item.string(.schemaname)
        if schema == nil && ctes.contains(name) { continue }
        guard let relation = catalog.relation(schema: schema, name: name), relation.kind != "v" else { continue }
        var names: Set<String> = [name]
        if let alias = item.node(.alias)?.string(.aliasname) { names = [alias] }
        result.append(TableReference(relation: relation, names: names))
      case .joinExpr:
        items += [item.node(.larg), item.node(.rarg)].compactMap { $0 }
      default: continue
      }
    }
    return result
  }

  /// The table a column reference belongs to: by qualifier, or the only table that has a column
  /// of that name.
  static func resolve(_ column: Node, in scope: [TableReference], catalog: CatalogFacts) -> (TableReference, String)? {
    let parts = column.columnNameParts
    guard let name = parts.last, !column.isStarColumn else { return nil }
    if parts.count >= 2 {
      let qualifier = parts[parts.count - 2]
      return scope.first { $0.names.contains(qualifier) }.map { ($0, name) }
    }
    let owners = scope.filter { table in catalog.columns(of: table.relation).contains { $0.name == name } }
    return owners.count == 1 ? (owners[0], name) : nil
  }

  /// A filter operand that an index key can match: a column, or an expression over exactly one
  /// column (`lower(email)`, `created_at::date`), written as PostgreSQL deparses it.
  static func key(for operand: Node, scope: [TableReference], catalog: CatalogFacts) -> (TableReference, IndexKey)? {
    if operand.kind == .columnRef {
      return resolve(operand, in: scope, catalog: catalog).map { ($0.0, IndexKey(column: $0.1)) }
    }
    guard operand.kind == .funcCall || operand.kind == .typeCast else { return nil }
    let columns = operand.columnReferences
    guard columns.count == 1, let (table, name) = resolve(columns[0], in: scope, catalog: catalog),
      !isNotImmutable(operand, column: name, of: table, catalog: catalog), var expression = try? operand.editable()
    else { return nil }
    // The index expression names the bare column (no alias), as PostgreSQL stores it.
    expression = ExpressionText.strippingQualifiers(expression)
    guard let text = ExpressionText.sql(of: expression) else { return nil }
    _ = name
    return (table, IndexKey(expression: text))
  }

  /// Expressions PostgreSQL refuses to index because their result depends on a setting: day and
  /// time conversions of a `timestamptz` (TimeZone), `to_char`, `age`, `now()`… An index on them
  /// cannot be created, so it is never suggested (the rule's help offers the sargable range).
  static func isNotImmutable(_ operand: Node, column: String, of table: TableReference, catalog: CatalogFacts) -> Bool {
    let type = catalog.columns(of: table.relation).first { $0.name == column }?.type ?? ""
    let zoned = type.hasPrefix("timestamp with time zone") || type == "timestamptz"
    if operand.kind == .typeCast {
      let target = operand.node(.typeName)?.names(.names).last ?? ""
      return zoned && ["date", "timestamp", "time", "text", "varchar"].contains(target)
    }
    let name = operand.functionName ?? ""
    if ["to_char", "age", "now", "current_date", "timeofday", "clock_timestamp", "random"].contains(name) { return true }
    return zoned && ["date", "date_trunc", "date_part", "extract", "timezone"].contains(name)
  }

  private static func collect(
    from level: Node, scope: [TableReference], catalog: CatalogFacts, into usages: inout [String: Usage]
  ) {
    var predicates = level.node(.whereClause)?.conjuncts ?? []
    var joins: [Node] = Array(level.list(.fromClause))
    while let item = joins.popLast() {
      guard item.kind == .joinExpr else { continue }
      predicates += item.node(.quals)?.conjuncts ?? []
      joins += [item.node(.larg), item.node(.rarg)].compactMap { $0 }
    }
    for predicate in predicates + predicates.flatMap(commonConjuncts) {
      classify(predicate, scope: scope, catalog: catalog, into: &usages)
    }

    let hasLimit = level.node(.limitCount) != nil
    let sortKeys = level.list(.sortClause).compactMap { sort -> (TableReference, IndexKey)? in
      guard let expression = sort.node(.node), var found = key(for: expression, scope: scope, catalog: catalog) else {
        return nil
      }
      found.1.descending = sort.string(.sortbyDir, is: "SORTBY_DESC")
      return found
    }
    if !sortKeys.isEmpty, Set(sortKeys.map { tableKey($0.0.relation) }).count == 1 {
      let table = tableKey(sortKeys[0].0.relation)
      usages[table, default: Usage()].order = sortKeys.map(\.1)
      usages[table, default: Usage()].orderIsComplete = sortKeys.count == level.list(.sortClause).count && hasLimit
    }
    for group in level.list(.groupClause) {
      if let (table, key) = key(for: group, scope: scope, catalog: catalog) {
        usages[tableKey(table.relation), default: Usage()].group.append(key)
      }
    }
    for target in level.list(.targetList) {
      guard let value = target.node(.val) else { continue }
      if value.kind == .columnRef, let (table, name) = resolve(value, in: scope, catalog: catalog) {
        usages[tableKey(table.relation), default: Usage()].selected.append(name)
      } else {
        for table in scope { usages[tableKey(table.relation), default: Usage()].selectsOnlyColumns = false }
      }
    }
  }

  /// The conjuncts every arm of an OR shares: `(p.id = i.part_id AND p.brand = 'x') OR (p.id =
  /// i.part_id AND p.size > 5)` implies `p.id = i.part_id`, the join key an index can serve (the
  /// planner factors it out the same way). Arms are compared as deparsed SQL.
  static func commonConjuncts(of predicate: Node) -> [Node] {
    guard predicate.isOr else { return [] }
    let arms = Array(predicate.list(.args))
    guard arms.count > 1 else { return [] }
    func keyed(_ arm: Node) -> [(String, Node)] {
      arm.conjuncts.compactMap { conjunct in
        guard let editable = try? conjunct.editable(), let text = ExpressionText.sql(of: editable) else { return nil }
        return (text, conjunct)
      }
    }
    var common = keyed(arms[0])
    for arm in arms.dropFirst() {
      let texts = Set(keyed(arm).map(\.0))
      common = common.filter { texts.contains($0.0) }
      if common.isEmpty { return [] }
    }
    return common.map(\.1)
  }

  private static func classify(
    _ predicate: Node, scope: [TableReference], catalog: CatalogFacts, into usages: inout [String: Usage]
  ) {
    func record(_ operand: Node, _ apply: (inout Usage, IndexKey) -> Void) {
      guard let (table, key) = key(for: operand, scope: scope, catalog: catalog) else { return }
      apply(&usages[tableKey(table.relation), default: Usage()], key)
    }
    switch predicate.kind {
    case .nullTest where predicate.string(.nulltesttype, is: "IS_NULL"):
      guard let argument = predicate.node(.arg) else { return }
      record(argument) { $0.equality.append($1) }
      // A rare NULL (`return_date IS NULL` for the 1 % not yet returned) is a partial index's
      // WHERE: a few pages instead of an index over every row.
      if argument.kind == .columnRef, let (table, column) = resolve(argument, in: scope, catalog: catalog),
        let statistics = catalog.statistics(of: table.relation, column: column),
        statistics.nullFraction > 0 && statistics.nullFraction <= 0.1
      {
        usages[tableKey(table.relation), default: Usage()].constantFilters.append(
          (column, "\(SQLIdentifier.quote(column)) IS NULL"))
      }
    case .aExpr:
      guard let left = predicate.node(.lexpr), let right = predicate.node(.rexpr) else { return }
      if predicate.isExpression("AEXPR_IN") || predicate.isExpression("AEXPR_OP_ANY") {
        if right.isColumnFree || right.kind == .list { record(left) { $0.equality.append($1) } }
        return
      }
      if predicate.isExpression("AEXPR_BETWEEN") {
        record(left) { $0.range.append($1) }
        return
      }
      // `~~` is LIKE as EXPLAIN prints it (`(name ~~ 'abc%'::text)`).
      let isLike = predicate.isExpression("AEXPR_LIKE") || (predicate.isExpression("AEXPR_OP") && predicate.operatorName == "~~")
      if isLike, let pattern = (right.kind == .typeCast ? right.node(.arg) : right)?.stringConstant,
        let first = pattern.first, first != "%" && first != "_"
      {
        let collation = catalog.collation
        record(left) { usage, key in
          var patternKey = key
          if collation != "C" && collation != "POSIX" { patternKey.operatorClass = "text_pattern_ops" }
          usage.pattern.append(patternKey)
        }
        return
      }
      guard predicate.isExpression("AEXPR_OP"), let operation = predicate.operatorName,
        ["=", "<", ">", "<=", ">="].contains(operation)
      else { return }
      for (side, other) in [(left, right), (right, left)] {
        if other.isColumnFree {
          record(side) { usage, key in
            if operation == "=" { usage.equality.append(key) } else { usage.range.append(key) }
          }
          // A partial index pays off for a rare value of a few-valued column ('cancelled' at 1 %),
          // never for a common one ('DE' at 20 %).
          // (A plan prints the constant with its cast: `(status = 'cancelled'::text)`.)
          let constant = other.kind == .typeCast ? other.node(.arg) ?? other : other
          if operation == "=", side.kind == .columnRef, constant.kind == .aConst, let sql = constantFilterSQL(side, constant),
            let (table, column) = resolve(side, in: scope, catalog: catalog),
            let statistics = catalog.statistics(of: table.relation, column: column),
            statistics.distinct > 0 && statistics.distinct <= 10,
            let value = constant.stringConstant ?? constant.integerConstant.map(String.init),
            (statistics.mostCommon[value] ?? 0) <= 0.1
          {
            usages[tableKey(table.relation), default: Usage()].constantFilters.append((column, sql))
          }
        } else if operation == "=", other.kind == .columnRef || other.kind == .funcCall || other.kind == .typeCast {
          // A join key: an index on this side serves a nested loop or merge join.
          record(side) { $0.equality.append($1) }
        }
      }
    default:
      return
    }
  }

  /// `status = 'cancelled'` with the bare column name, for a partial index's WHERE.
  private static func constantFilterSQL(_ column: Node, _ constant: Node) -> String? {
    guard let name = column.columnNameParts.last, let value = try? constant.editable(),
      let literal = ExpressionText.sql(of: value)
    else { return nil }
    return "\(SQLIdentifier.quote(name)) = \(literal)"
  }

  /// Multi-column candidates in the order that serves the query: equality keys (most distinct
  /// first), then one range, pattern or sort key; covering (INCLUDE) and partial variants.
  private static func build(relation: CatalogFacts.Relation, usage: Usage, catalog: CatalogFacts) -> [IndexCandidate] {
    func distinct(_ key: IndexKey) -> Double {
      guard !key.isExpression, let statistics = catalog.statistics(of: relation, column: key.text) else { return 0 }
      let rows = relation.rows ?? 0
      return statistics.distinct < 0 ? -statistics.distinct * rows : statistics.distinct
    }
    var equality: [IndexKey] = []
    for key in usage.equality where !equality.contains(key) { equality.append(key) }
    equality.sort { distinct($0) > distinct($1) }
    var candidates: [IndexCandidate] = []
    for key in equality + usage.range + usage.pattern {
      candidates.append(IndexCandidate(relation: relation, keys: [key], reason: "filter on \(key.display)"))
    }
    if equality.count > 1 {
      candidates.append(
        IndexCandidate(relation: relation, keys: equality, reason: "equality on \(equality.map(\.display).joined(separator: ", "))"))
    }
    for tail in (usage.range + usage.pattern).prefix(2) where !equality.isEmpty {
      candidates.append(
        IndexCandidate(
          relation: relation, keys: equality + [tail],
          reason: "equality on \(equality.map(\.display).joined(separator: ", ")), then range on \(tail.display)"))
    }
    if !usage.order.isEmpty {
      let order = usage.order.filter { !equality.contains(IndexKey(column: $0.text)) }
      if !order.isEmpty {
        let keys = equality + order
        candidates.append(
          IndexCandidate(
            relation: relation, keys: keys,
            reason: (equality.isEmpty ? "" : "equality on \(equality.map(\.display).joined(separator: ", ")), then ")
              + "ORDER BY \(order.map(\.display).joined(separator: ", "))"))
        // Covering: the query's other columns as INCLUDE turn it into an index-only scan.
        let keyColumns = Set(keys.filter { !$0.isExpression }.map(\.text))
        let extra = usage.selected.filter { !keyColumns.contains($0) }
        if usage.selectsOnlyColumns, !usage.selected.isEmpty, extra.count <= 4, !extra.isEmpty {
          var covering = IndexCandidate(relation: relation, keys: keys, reason: "index-only scan for the query")
          covering.include = Array(Set(extra)).sorted()
          candidates.append(covering)
        }
      }
    }
    if usage.order.isEmpty, !usage.group.isEmpty, usage.group.count <= 3 {
      candidates.append(IndexCandidate(relation: relation, keys: usage.group, reason: "GROUP BY \(usage.group.map(\.display).joined(separator: ", "))"))
    }
    // Partial: a constant filter on a few-valued column becomes the index's WHERE.
    for filter in usage.constantFilters.prefix(1) {
      let others = (equality + usage.range + usage.order).filter { $0.text != filter.column }
      let keys = others.isEmpty ? [IndexKey(column: filter.column)] : Array(others.prefix(2))
      candidates.append(
        IndexCandidate(relation: relation, keys: keys, predicate: filter.sql, reason: "partial index for \(filter.sql)"))
    }
    return candidates
  }

  /// A candidate that starts with every key of a unique index (the primary key and one more
  /// column) finds the same single row the unique index finds: it only adds writes.
  static func extendsUniqueKey(_ candidate: IndexCandidate, catalog: CatalogFacts) -> Bool {
    catalog.indexes(on: candidate.relation).contains { index in
      guard index.isUnique, index.predicate == nil, !index.keys.isEmpty, candidate.keys.count > index.keys.count else {
        return false
      }
      return zip(index.keys, candidate.keys).allSatisfy { existing, key in
        !key.isExpression && (existing == key.text || existing == SQLIdentifier.quote(key.text))
      }
    }
  }

  /// An existing index whose leading keys are the candidate's keys already serves it.
  static func alreadyIndexed(_ candidate: IndexCandidate, catalog: CatalogFacts) -> Bool {
    let wanted = candidate.keys.map { $0.isExpression ? $0.text : $0.text }
    return catalog.indexes(on: candidate.relation).contains { index in
      guard index.predicate == nil || candidate.predicate != nil, index.keys.count >= wanted.count else { return false }
      return zip(index.keys, wanted).allSatisfy { existing, key in
        existing == key || existing == SQLIdentifier.quote(key) || existing == "(\(key))"
      } && candidate.include.isEmpty
    }
  }
}

/// SQL text of expressions, produced by libpg_query's deparser (never by pasting strings).
enum ExpressionText {
  /// Deparses an expression by wrapping it in `SELECT <expr>` and taking the target back out.
  static func sql(of expression: EditableNode) -> String? {
    let select = EditableNode(
      .selectStmt,
      [
        .targetList: .list([EditableNode(.resTarget, [.val: .node(expression)])]),
        .limitOption: .string("LIMIT_OPTION_DEFAULT"), .op: .string("SETOP_NONE"),
      ])
    guard let text = try? SQLText.deparse(select), text.hasPrefix("SELECT ") else { return nil }
    return String(text.dropFirst("SELECT ".count))
  }

  /// The same expression with `t.col` reduced to `col`.
  static func strippingQualifiers(_ node: EditableNode) -> EditableNode {
    var copy = node
    if copy.kind == .columnRef, case .list(let parts)? = copy[.fields], parts.count > 1, let last = parts.last {
      copy[.fields] = .list([last])
      return copy
    }
    for (field, value) in copy.fields {
      switch value {
      case .node(let child): copy[field] = .node(strippingQualifiers(child))
      case .list(let items): copy[field] = .list(items.map(strippingQualifiers))
      default: break
      }
    }
    return copy
  }
}
