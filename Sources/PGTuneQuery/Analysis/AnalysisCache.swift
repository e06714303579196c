import Foundation

/// Caches the database part of a statement's analysis (plan, verified index candidates, costed
/// rewrites) so a repeated run skips EXPLAIN and hypopg. The key holds everything the result
/// depends on, so any change is a miss:
/// - the statement's fingerprint and its exact text (constants change plans and the partial-index
///   predicates suggested);
/// - the server version and the planner settings;
/// - for each table the statement names: OID, `relpages`, `reltuples`, last ANALYZE and its index
///   definitions (all tables when a name does not resolve to one, e.g. a view);
/// - the tool version and every option that changes plans. Index advice and rewrites record the
///   settings they were made with, so an entry made by `analyze` also answers `check`.
/// Findings are not cached: the plan rules run again on the cached plan, with today's rules.
public struct AnalysisCache: Sendable {
  let store: TieredStore
  let ttl: Int
  let settingsDigest: String
  let optionsDigest: String
  let everyTableDigest: String
  /// Per table (`schema.name`): what its plans depend on, worked out once per run.
  let relationDigests: [String: String]
  let catalog: CatalogFacts

  init(store: TieredStore, ttl: Int, catalog: CatalogFacts, plannerSettings: [String], options: LiveOptions) {
    self.store = store
    self.ttl = ttl
    self.catalog = catalog
    settingsDigest = StableHash.of([String(catalog.serverVersion)] + plannerSettings)
    optionsDigest = StableHash.of([
      PGTuneQueryVersion.current, String(options.largeTableRows), String(options.enableHypopg),
      String(describing: options.explain),
    ])
    let digests = catalog.relations.mapValues { Self.describe($0, catalog) }
    relationDigests = digests
    everyTableDigest = StableHash.of(digests.keys.sorted().map { digests[$0] ?? "" })
  }

  /// What index advice and rewrites were computed with; an entry made without them (by `check`)
  /// does not answer `analyze`, which needs them, but one made by `analyze` answers `check`.
  static func advisorDigest(_ options: LiveOptions) -> String? {
    options.advisor.map {
      StableHash.of(["advisor", String($0.minSavings), String($0.maxCandidates), String($0.minimumCost)])
    }
  }

  static func rewritingDigest(_ options: LiveOptions, staticRules: Set<String>) -> String? {
    options.rewriting.map {
      StableHash.of(["rewrites", String($0.suggestLimit ?? 0), staticRules.sorted().joined(separator: ",")])
    }
  }

  /// The planner settings a plan depends on, read once per run.
  static func plannerSettings(on connection: PostgresConnection) throws(PostgresError) -> [String] {
    try connection.query(
      """
      SELECT name || '=' || setting FROM pg_settings
      WHERE category LIKE 'Query Tuning%' OR name IN ('work_mem', 'search_path', 'max_parallel_workers',
        'default_statistics_target', 'constraint_exclusion', 'plan_cache_mode', 'jit')
      ORDER BY name
      """
    ).compactMap { $0.first ?? nil }
  }

  /// The key for a statement, given the tables it names.
  func key(sql: String, fingerprint: String, tables names: TableNames) -> StoreKey {
    var tables: [String] = []
    var unresolved = false
    for (schema, name) in names.tables {
      if let relation = catalog.relation(schema: schema, name: name), relation.kind != "v",
        let digest = relationDigests["\(relation.schema).\(relation.name)"]
      {
        tables.append(digest)
      } else {
        unresolved = true
      }
    }
    let relationDigest = unresolved ? everyTableDigest : StableHash.of(tables.sorted())
    let digest = StableHash.of([settingsDigest, optionsDigest, relationDigest, sql])
    return StoreKey(StoreNamespace.analysis.rawValue, "\(fingerprint):\(digest)")
  }

  /// Brings the entries of a run's statements into the memory tier in a few batched reads.
  func prefetch(_ keys: [StoreKey]) { store.prefetch(keys) }

  /// The entry under `key` if it holds what this run needs (advice and rewrites made with the
  /// same settings, when the run wants them).
  func lookup(_ key: StoreKey, advisor: String?, rewriting: String?) -> CachedAnalysis? {
    guard let bytes = store.get(key), let entry = CachedAnalysis.decode(bytes) else { return nil }
    if let advisor, entry.advisor != advisor { return nil }
    if let rewriting, entry.rewriting != rewriting { return nil }
    return entry
  }

  func save(_ key: StoreKey, _ value: CachedAnalysis) {
    guard let bytes = value.encoded() else { return }
    store.set(key, bytes, ttl: ttl)
  }

  private static func describe(_ relation: CatalogFacts.Relation, _ catalog: CatalogFacts) -> String {
    let indexes = catalog.indexes(on: relation).map(\.definition).sorted().joined(separator: ";")
    return "\(relation.schema).\(relation.name):\(relation.oid):\(relation.pages):\(relation.rows ?? -1):"
      + "\(relation.lastAnalyzed ?? ""):\(indexes)"
  }


}

/// What the database told us about one statement.
struct LiveStatementResult: Sendable {
  var outcome: Result<ExplainOutcome, PostgresError>
  var chosen: [(IndexCandidate, before: Double, after: Double?)] = []
  var verified = false
  var rewrites: [Rewrite] = []
  var cache: CacheStatus?
  /// Advice or rewrites failed part-way: the plan is right, but the entry is not worth storing.
  var partial = false

  init(outcome: Result<ExplainOutcome, PostgresError>) { self.outcome = outcome }

  /// Rebuilds a result from the store; nil when it no longer fits the catalog (a table gone).
  init?(cached: CachedAnalysis, catalog: CatalogFacts) {
    guard
      let explain = ExplainResult.restored(
        planJSON: cached.plan, planningTime: cached.planningTime, executionTime: cached.executionTime)
    else { return nil }
    outcome = .success(.plan(explain, analyzed: cached.analyzed))
    verified = cached.verified
    for candidate in cached.candidates {
      guard let relation = catalog.relation(schema: candidate.schema, name: candidate.table) else { return nil }
      let keys = candidate.keys.map { key -> IndexKey in
        var made = key.isExpression ? IndexKey(expression: key.text) : IndexKey(column: key.text)
        made.descending = key.descending
        made.operatorClass = key.operatorClass
        return made
      }
      let index = IndexCandidate(
        relation: relation, keys: keys, include: candidate.include, predicate: candidate.predicate,
        reason: candidate.reason)
      chosen.append((index, candidate.costBefore, candidate.costAfter))
    }
    rewrites = cached.rewrites.map {
      Rewrite(rule: $0.rule, sql: $0.sql, caveat: $0.caveat, costBefore: $0.costBefore, costAfter: $0.costAfter)
    }
    cache = .hit
  }

  /// The storable form; nil unless there is a plan (failures and timeouts are retried next time).
  func cached(advisor: String?, rewriting: String?) -> CachedAnalysis? {
    guard !partial, case .success(.plan(let explain, let analyzed, _)) = outcome else { return nil }
    return CachedAnalysis(
      plan: explain.planJSON, planningTime: explain.planningTime, executionTime: explain.executionTime, analyzed: analyzed, verified: verified,
      candidates: chosen.map { candidate, before, after in
        CachedAnalysis.Candidate(
          schema: candidate.relation.schema, table: candidate.relation.name,
          keys: candidate.keys.map {
            CachedAnalysis.Key(
              text: $0.text, isExpression: $0.isExpression, descending: $0.descending, operatorClass: $0.operatorClass)
          },
          include: candidate.include, predicate: candidate.predicate, reason: candidate.reason, costBefore: before,
          costAfter: after)
      },
      rewrites: rewrites.map {
        CachedAnalysis.CachedRewrite(
          rule: $0.rule, sql: $0.sql, caveat: $0.caveat, costBefore: $0.costBefore, costAfter: $0.costAfter)
      },
      storedAt: StoreClock.now(), advisor: advisor, rewriting: rewriting)
  }
}

