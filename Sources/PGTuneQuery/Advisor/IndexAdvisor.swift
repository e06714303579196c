/// An index worth creating, with what it saves.
public struct IndexSuggestion: Sendable, Equatable {
  public let candidate: IndexCandidate
  public let name: String
  /// `CREATE INDEX CONCURRENTLY …;` (without CONCURRENTLY for partitioned tables).
  public let ddl: String
  public let costBefore: Double
  /// Cost with the hypothetical index; nil when not verified.
  public let costAfter: Double?
  /// True when hypopg showed the planner using the index at the reported cost.
  public let verified: Bool
  public let note: String?
  /// Set when EXPLAIN ANALYZE showed the planner's row estimate on the index's table off by ≥ 10×.
  public var lowConfidence: String?
  /// `actual` when the statement's plan came from EXPLAIN ANALYZE (the confidence check ran),
  /// `estimate` otherwise.
  public var basis = "estimate"

  /// Share of the cost saved, 0…100.
  public var savingsPercent: Double? {
    guard let costAfter, costBefore > 0 else { return nil }
    return ((costBefore - costAfter) / costBefore * 1000).rounded() / 10
  }
}

/// Settings of the index advisor.
public struct AdvisorOptions: Sendable {
  /// Keep an index only if it cuts the statement's cost by at least this share (0.3 = 30 %).
  public var minSavings = 0.3
  /// Candidates tried per statement, best-guess first.
  public var maxCandidates = 10
  /// Statements cheaper than this are left alone: an index for a query that costs 20 is noise.
  public var minimumCost = 100.0

  public init() {}
}

/// Verifies candidates with hypothetical indexes (hypopg): EXPLAIN with each candidate in
/// place, keep the best if it saves enough, and offer a second table's index only when the pair
/// saves clearly more than the best one alone. Hypothetical indexes live in the session only and
/// are reset before the transaction is rolled back, so nothing leaks between pooled statements.
public enum IndexAdvisor {
  public static func advise(
    sql: String, plan: ExplainPlan, baseline: ExplainResult, candidates: [IndexCandidate], catalog: CatalogFacts,
    options: AdvisorOptions, on connection: PostgresConnection
  ) throws(PostgresError) -> [(IndexCandidate, before: Double, after: Double)] {
    let tried = Array(candidates.prefix(options.maxCandidates))
    guard !tried.isEmpty, baseline.plan.totalCost >= options.minimumCost else { return [] }
    let before = baseline.plan.totalCost
    try connection.query("BEGIN READ ONLY")
    let indexes = HypotheticalIndexes(connection: connection)
    do throws(PostgresError) {
      var results: [(IndexCandidate, Double)] = []
      for candidate in tried {
        // A candidate the server refuses (an expression that is not IMMUTABLE, an operator class
        // the type lacks) is skipped; the transaction, and the statement's plan, stay usable.
        guard try indexes.create(candidate) else { continue }
        let name = indexes.name(of: candidate)
        let result = try indexes.plan(of: sql, plan: plan)
        try indexes.reset()
        // Only an index the planner actually uses counts.
        guard let name, PlanSummary(result).indexesUsed.contains(name) else { continue }
        results.append((candidate, result.plan.totalCost))
      }
      var chosen: [(IndexCandidate, before: Double, after: Double)] = []
      if let best = results.min(by: { ($0.1, $0.0.keys.count) < ($1.1, $1.0.keys.count) }),
        (before - best.1) / max(before, .leastNonzeroMagnitude) >= options.minSavings
      {
        chosen.append((best.0, before, best.1))
        // Another table's best index, kept only if both together save 10 % of the cost more.
        let otherTables = Dictionary(grouping: results.filter { $0.0.tableName != best.0.tableName }, by: \.0.tableName)
        if let second = otherTables.values.compactMap({ $0.min { $0.1 < $1.1 } }).min(by: { $0.1 < $1.1 }) {
          // Both were created once already, so neither is refused now.
          if try indexes.create(best.0), try indexes.create(second.0) {
            let pair = try indexes.cost(of: sql, plan: plan)
            if (best.1 - pair) / before >= 0.1 { chosen = [(best.0, before, pair), (second.0, before, pair)] }
          }
          try indexes.reset()
        }
      }
      try connection.query("ROLLBACK")
      return chosen
    } catch {
      if error.kind == .query {
        _ = try? connection.query("ROLLBACK")
        _ = try? connection.query("SELECT hypopg_reset()")
      }
      throw error
    }
  }

  /// Without hypopg: the most specific candidate per table, for tables the plan reads with a
  /// sequential scan — clearly marked as not verified.
  public static func heuristic(
    baseline: ExplainResult, candidates: [IndexCandidate], largeTableRows: Double
  ) -> [IndexCandidate] {
    let scanned = Set(PlanWalker.entries(of: baseline.plan).compactMap { entry -> String? in
      guard entry.node.nodeType == "Seq Scan" || entry.node.nodeType == "Parallel Seq Scan" else { return nil }
      return entry.node.qualifiedRelation
    })
    let byTable = Dictionary(grouping: candidates.filter { scanned.contains($0.tableName) && ($0.relation.rows ?? 0) >= largeTableRows }, by: \.tableName)
    return byTable.keys.sorted().compactMap { table in
      byTable[table]?.max { ($0.keys.count, $0.include.count) < ($1.keys.count, $1.include.count) }
    }
  }

  /// Names and DDL for the chosen candidates (one name per index across the run, CONCURRENTLY
  /// unless partitioned).
  public static func suggestions(
    _ chosen: [(IndexCandidate, before: Double, after: Double?)], verified: Bool, catalog: CatalogFacts,
    naming: inout IndexNaming
  ) -> [IndexSuggestion] {
    chosen.map { candidate, before, after in
      suggestion(candidate, before: before, after: after, verified: verified, catalog: catalog, naming: &naming)
    }
  }

  static func suggestion(
    _ candidate: IndexCandidate, before: Double, after: Double?, verified: Bool, catalog: CatalogFacts,
    naming: inout IndexNaming
  ) -> IndexSuggestion {
    let name = naming.name(for: candidate, catalog: catalog)
    let partitioned = candidate.relation.kind == "p"
    return IndexSuggestion(
      candidate: candidate, name: name, ddl: candidate.ddl(name: name, concurrently: !partitioned) + ";",
      costBefore: before, costAfter: after, verified: verified,
      note: partitioned
        ? "partitioned table: CREATE INDEX CONCURRENTLY is not supported; create it on each partition concurrently, then on the parent"
        : nil)
  }
}

/// One name per suggested index for a whole run: the same index suggested for several statements
/// keeps its name, and no two indexes (suggested or existing) share one.
public struct IndexNaming: Sendable {
  private var names: [IndexCandidate: String] = [:]
  private var taken: Set<String> = []

  public init() {}

  public mutating func name(for candidate: IndexCandidate, catalog: CatalogFacts) -> String {
    if let name = names[candidate] { return name }
    let existing = Set(catalog.indexes(on: candidate.relation).map(\.name))
    let name = candidate.indexName(avoiding: taken.union(existing))
    taken.insert(name)
    names[candidate] = name
    return name
  }
}
