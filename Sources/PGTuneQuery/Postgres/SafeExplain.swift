/// What to EXPLAIN and how far it may go.
public struct ExplainOptions: Sendable, Equatable {
  /// `EXPLAIN ANALYZE`: run the statement (inside a transaction that is always rolled back).
  public var analyze = false
  /// With `analyze`: also run data-modifying statements (still rolled back). Without it they
  /// get a plain EXPLAIN.
  public var allowWritesInRollback = false

  public init(analyze: Bool = false, allowWritesInRollback: Bool = false) {
    self.analyze = analyze
    self.allowWritesInRollback = allowWritesInRollback
  }
}

/// What happened when a statement was EXPLAINed.
public enum ExplainOutcome: Sendable {
  /// The plan; `analyzed` says whether it came from EXPLAIN ANALYZE; `notRunBecause` says why
  /// `--analyze` did not run a statement it was asked to (the volatility gate).
  case plan(ExplainResult, analyzed: Bool, notRunBecause: String? = nil)
  /// Never sent to the server (DDL, utility, transaction control…), with the reason.
  case notExplainable(String)
  /// The server refused or failed (unknown table, timeout…).
  case failed(PostgresError)
}

/// How a statement may be EXPLAINed, decided from its parse tree alone.
public struct ExplainPlan: Sendable, Equatable {
  /// Nil when EXPLAIN cannot take the statement; otherwise the statement kind.
  public let explainableKind: NodeKind?
  public let modifiesData: Bool
  /// The highest `$n` used (0: none). Parameterized statements are planned as generic plans.
  public let parameterCount: Int
  public let reason: String?

  public init(_ statement: ParsedStatement) {
    guard let tree = statement.tree, tree.statements.count == 1, let root = statement.root else {
      self.init(kind: nil, modifiesData: false, parameters: 0, reason: "does not parse as one statement")
      return
    }
    var modifies = false
    var parameters = 0
    var selectInto = false
    for entry in TreeWalker.walk(root) {
      switch entry.node.kind {
      case .insertStmt, .updateStmt, .deleteStmt, .mergeStmt: modifies = true
      case .selectStmt where entry.node.node(.intoClause) != nil: selectInto = true
      case .paramRef: parameters = max(parameters, Int(entry.node.integer(.number) ?? 0))
      default: break
      }
    }
    switch root.kind {
    case .selectStmt where selectInto:
      self.init(kind: nil, modifiesData: true, parameters: 0, reason: "SELECT INTO creates a table")
    case .selectStmt, .insertStmt, .updateStmt, .deleteStmt, .mergeStmt:
      self.init(kind: root.kind, modifiesData: modifies, parameters: parameters, reason: nil)
    default:
      self.init(
        kind: nil, modifiesData: false, parameters: 0,
        reason: "\(root.kind.name) is not a query EXPLAIN can plan; it was not sent to the server")
    }
  }

  private init(kind: NodeKind?, modifiesData: Bool, parameters: Int, reason: String?) {
    explainableKind = kind
    self.modifiesData = modifiesData
    parameterCount = parameters
    self.reason = reason
  }
}

/// Runs EXPLAIN so that the user's database cannot change:
///
/// - only SELECT/INSERT/UPDATE/DELETE/MERGE are ever sent, and only as the argument of EXPLAIN
///   (or of PREPARE, for `$n` parameters) — never on their own;
/// - every query goes through the extended protocol, which refuses a second statement hidden
///   after a `;`;
/// - each statement runs inside `BEGIN READ ONLY … ROLLBACK` (the session's default is read-only
///   too); with `--analyze --allow-writes-in-rollback` a data-modifying statement runs in a
///   read-write transaction that is rolled back, whatever happens.
public enum SafeExplain {
  static let preparedName = "pgtune_query_statement"

  public static func explain(
    _ sql: String, plan: ExplainPlan, options: ExplainOptions, on connection: PostgresConnection
  ) throws(PostgresError) -> ExplainOutcome {
    guard plan.explainableKind != nil else { return .notExplainable(plan.reason ?? "not explainable") }
    let analyze = options.analyze && (!plan.modifiesData || options.allowWritesInRollback)
    var explainOptions = ["FORMAT JSON", "VERBOSE", "SETTINGS"]
    if analyze { explainOptions = ["ANALYZE", "BUFFERS"] + explainOptions }
    let prefix = "EXPLAIN (\(explainOptions.joined(separator: ", "))) "

    try connection.query(analyze && plan.modifiesData ? "BEGIN READ WRITE" : "BEGIN READ ONLY")
    let prepared = plan.parameterCount > 0
    var text: String?
    var gateReason: String?
    do throws(PostgresError) {
      if prepared {
        // A generic plan: what the server uses for a prepared statement whatever the values.
        try connection.query("SET LOCAL plan_cache_mode = force_generic_plan")
        try connection.query("PREPARE \(preparedName) AS \(sql)")
      }
      let nulls = Array(repeating: "NULL", count: plan.parameterCount).joined(separator: ", ")
      let target = prepared ? "EXECUTE \(preparedName)(\(nulls))" : sql
      if analyze {
        // The gate: plan it first, and run it only if nothing it calls escapes the rollback.
        let plain = try connection.query("EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS) " + target)
        if let plainText = plain.first?.first ?? nil, let planned = try? ExplainResult.parseAll(plainText).first {
          gateReason = try VolatilityGate.reason(toSkip: planned, on: connection)
          if gateReason != nil { text = plainText }
        } else {
          gateReason = "its plan could not be read to check what it calls"
        }
      }
      if gateReason == nil { text = try connection.query(prefix + target).first?.first ?? nil }
      try finish(connection, prepared: prepared)
    } catch {
      if error.kind != .query { throw error }
      try finish(connection, prepared: prepared)
      return .failed(error)
    }
    guard let text else {
      return .failed(PostgresError(kind: .query, sqlState: nil, message: "EXPLAIN returned no plan", detail: nil, hint: nil))
    }
    do throws(PlanFormatError) {
      guard let result = try ExplainResult.parseAll(text).first else { throw PlanFormatError(message: "no plan") }
      return .plan(result, analyzed: analyze && gateReason == nil, notRunBecause: gateReason)
    } catch {
      return .failed(PostgresError(kind: .query, sqlState: nil, message: error.message, detail: nil, hint: nil))
    }
  }

  /// EXPLAINs inside a transaction the caller opened (the index advisor's, with hypothetical
  /// indexes in place). Parameterized statements are prepared afresh each time: a cached generic
  /// plan would not see indexes created after it.
  static func planInOpenTransaction(_ sql: String, plan: ExplainPlan, on connection: PostgresConnection)
    throws(PostgresError) -> ExplainResult
  {
    let prefix = "EXPLAIN (FORMAT JSON, VERBOSE) "
    let rows: [[String?]]
    if plan.parameterCount > 0 {
      try connection.query("SET LOCAL plan_cache_mode = force_generic_plan")
      try connection.query("PREPARE \(preparedName) AS \(sql)")
      let nulls = Array(repeating: "NULL", count: plan.parameterCount).joined(separator: ", ")
      rows = try connection.query(prefix + "EXECUTE \(preparedName)(\(nulls))")
      try connection.query("DEALLOCATE \(preparedName)")
    } else {
      rows = try connection.query(prefix + sql)
    }
    do throws(PlanFormatError) {
      guard let text = rows.first?.first ?? nil, let result = try ExplainResult.parseAll(text).first else {
        throw PlanFormatError(message: "EXPLAIN returned no plan")
      }
      return result
    } catch {
      throw PostgresError(kind: .query, sqlState: nil, message: error.message, detail: nil, hint: nil)
    }
  }

  /// ROLLBACK always (nothing a statement did may stay), then forget the prepared statement,
  /// which outlives transactions.
  private static func finish(_ connection: PostgresConnection, prepared: Bool) throws(PostgresError) {
    try connection.query("ROLLBACK")
    if prepared { try connection.query("DEALLOCATE ALL") }
  }
}
