/// One key of an index: a column or an expression as written, with its order and operator class.
public struct IndexKey: Sendable, Hashable {
  /// For a column: its name, unquoted. For an expression: its SQL text (`lower(email)`).
  public let text: String
  public let isExpression: Bool
  public var descending = false
  /// `text_pattern_ops` for prefix LIKE under a non-C collation.
  public var operatorClass: String?

  public init(column: String) {
    text = column
    isExpression = false
  }

  public init(expression: String) {
    text = expression
    isExpression = true
  }

  /// The key as it appears in CREATE INDEX: a quoted column, or a parenthesized expression.
  var sql: String {
    var key = isExpression ? "(\(text))" : SQLIdentifier.quote(text)
    if let operatorClass { key += " \(operatorClass)" }
    if descending { key += " DESC" }
    return key
  }

  /// The key as users read it in JSON: `org_id`, `lower(email)`, `created_at DESC`.
  var display: String {
    var key = text
    if let operatorClass { key += " \(operatorClass)" }
    if descending { key += " DESC" }
    return key
  }
}

/// A B-tree index that might help a statement.
public struct IndexCandidate: Sendable, Hashable {
  public let relation: CatalogFacts.Relation
  public var keys: [IndexKey]
  public var include: [String] = []
  /// A partial index's condition, SQL as written (`status = 'cancelled'`).
  public var predicate: String?
  /// Why it was proposed, for messages ("equality on customer_id, then ORDER BY created_at").
  public var reason: String

  public init(relation: CatalogFacts.Relation, keys: [IndexKey], include: [String] = [], predicate: String? = nil, reason: String) {
    self.relation = relation
    self.keys = keys
    self.include = include
    self.predicate = predicate
    self.reason = reason
  }

  public static func == (lhs: IndexCandidate, rhs: IndexCandidate) -> Bool {
    lhs.relation.schema == rhs.relation.schema && lhs.relation.name == rhs.relation.name && lhs.keys == rhs.keys
      && lhs.include == rhs.include && lhs.predicate == rhs.predicate
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(relation.schema)
    hasher.combine(relation.name)
    hasher.combine(keys)
    hasher.combine(include)
    hasher.combine(predicate)
  }

  /// `public.orders` without quotes, as JSON reports tables.
  public var tableName: String { "\(relation.schema).\(relation.name)" }

  /// The CREATE INDEX statement that hypopg is given (no name, no CONCURRENTLY).
  var hypotheticalDDL: String { ddl(name: nil, concurrently: false) }

  /// `CREATE INDEX [CONCURRENTLY] name ON schema.table USING btree (keys) [INCLUDE (…)] [WHERE …];`
  public func ddl(name: String?, concurrently: Bool) -> String {
    var sql = "CREATE INDEX "
    if concurrently { sql += "CONCURRENTLY " }
    if let name { sql += SQLIdentifier.quote(name) + " " }
    sql += "ON \(SQLIdentifier.qualified(relation.schema, relation.name)) USING btree ("
    sql += keys.map(\.sql).joined(separator: ", ") + ")"
    if !include.isEmpty { sql += " INCLUDE (" + include.map(SQLIdentifier.quote).joined(separator: ", ") + ")" }
    if let predicate { sql += " WHERE \(predicate)" }
    return sql
  }

  /// `orders_customer_id_created_at_idx`: table and key names, at most 63 bytes (PostgreSQL's
  /// limit), made unique against `taken`.
  public func indexName(avoiding taken: Set<String>) -> String {
    let words = keys.map { key in
      key.text.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        .split(separator: "_").joined(separator: "_")
    }
    var base = ([relation.name] + words).joined(separator: "_")
    if predicate != nil { base += "_partial" }
    if !include.isEmpty { base += "_covering" }
    func fit(_ text: String, suffix: String) -> String {
      var trimmed = text
      while (trimmed + suffix).utf8.count > 63 { trimmed.removeLast() }
      return trimmed + suffix
    }
    var name = fit(base, suffix: "_idx")
    var counter = 1
    while taken.contains(name) {
      counter += 1
      name = fit(base, suffix: "_idx\(counter)")
    }
    return name
  }
}
