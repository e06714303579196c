/// Hypothetical indexes (hypopg) on one connection, inside one read-only transaction the owner
/// opens and rolls back: create, size, drop, and the cost of a statement with the ones in place.
/// hypopg keeps them in the backend's memory only; `reset` clears them before the connection goes
/// back to the pool, so nothing outlives the run.
final class HypotheticalIndexes {
  private let connection: PostgresConnection
  /// The hypothetical index of each candidate created now: its OID, and the name plans show.
  private var created: [IndexCandidate: (oid: String, name: String?)] = [:]

  init(connection: PostgresConnection) { self.connection = connection }

  /// Creates `candidate`'s index; false when the server refuses it (an expression that is not
  /// IMMUTABLE, an operator class the type lacks) — a savepoint keeps the transaction usable.
  func create(_ candidate: IndexCandidate) throws(PostgresError) -> Bool {
    if created[candidate] != nil { return true }
    try connection.query("SAVEPOINT pgtune_query_hypothetical")
    let rows: [[String?]]
    do {
      rows = try connection.query(
        "SELECT indexrelid::text, indexname FROM hypopg_create_index($1)", parameters: [candidate.hypotheticalDDL])
    } catch where error.kind == .query {
      try connection.query("ROLLBACK TO SAVEPOINT pgtune_query_hypothetical")
      return false
    }
    try connection.query("RELEASE SAVEPOINT pgtune_query_hypothetical")
    guard let row = rows.first, let oid = row.first ?? nil else { return false }
    created[candidate] = (oid, row.count > 1 ? row[1] : nil)
    return true
  }

  /// The name EXPLAIN shows for `candidate`'s index while it exists (`<13543>btree_orders_…`).
  func name(of candidate: IndexCandidate) -> String? { created[candidate]?.name ?? nil }

  func drop(_ candidate: IndexCandidate) throws(PostgresError) {
    guard let oid = created.removeValue(forKey: candidate)?.oid else { return }
    try connection.query("SELECT hypopg_drop_index($1::oid)", parameters: [oid])
  }

  /// The index's estimated size in bytes (`hypopg_relation_size`), from the table's statistics.
  func size(of candidate: IndexCandidate) throws(PostgresError) -> Double? {
    guard let oid = created[candidate]?.oid else { return nil }
    let rows = try connection.query("SELECT hypopg_relation_size($1::oid)::float8", parameters: [oid])
    return rows.first?.first?.flatMap(Double.init)
  }

  /// The statement's plan with the hypothetical indexes created now.
  func plan(of sql: String, plan: ExplainPlan) throws(PostgresError) -> ExplainResult {
    try SafeExplain.planInOpenTransaction(sql, plan: plan, on: connection)
  }

  /// The statement's estimated total cost with the hypothetical indexes created now.
  func cost(of sql: String, plan: ExplainPlan) throws(PostgresError) -> Double {
    try self.plan(of: sql, plan: plan).plan.totalCost
  }

  func reset() throws(PostgresError) {
    created.removeAll()
    try connection.query("SELECT hypopg_reset()")
  }
}
