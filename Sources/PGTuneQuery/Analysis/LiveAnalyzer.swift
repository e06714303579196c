import Foundation

/// Settings of a run against a database.
public struct LiveOptions: Sendable {
  /// conninfo, URI, or empty for libpq's defaults (PG* variables, ~/.pgpass, service files).
  public var conninfo: String
  public var session = SessionSettings()
  public var explain = ExplainOptions()
  /// Connections, each EXPLAINing statements in parallel.
  public var jobs = 1
  public var maxQueriesPerConnection = 1_000
  /// Tables below this many rows count as small (size-aware severities, plan rules).
  public var largeTableRows = 10_000
  /// Index advice; nil turns it off.
  public var advisor: AdvisorOptions? = AdvisorOptions()
  /// Limits of the one index set chosen for the whole workload (with hypopg).
  public var workload = WorkloadOptions()
  /// Run `CREATE EXTENSION hypopg` when it is missing: the one write this tool may do, only when asked.
  public var enableHypopg = false
  /// Rewrites (EXPLAINed to show their cost); nil turns them off.
  public var rewriting: Rewriter.Options? = Rewriter.Options()
  /// Where analyses are cached; nil runs without a cache. EXPLAIN ANALYZE runs are never cached.
  public var store: TieredStore?
  /// Seconds a cached analysis is trusted even when nothing it depends on has changed.
  public var cacheTTL = 7 * 24 * 3600
  /// False (`--no-cache`) analyzes afresh but still stores the results.
  public var readCache = true
  /// Called after each statement with (done, total), from worker threads (progress bars).
  public var progress: (@Sendable (Int, Int) -> Void)?

  public init(conninfo: String) { self.conninfo = conninfo }
}

/// What a live run reports besides per-statement results.
public struct LiveSummary: Sendable {
  public let pool: PoolStatistics
  public let catalog: CatalogFacts?
  /// Set when the database went away during the run (exit status 3).
  public let lostConnection: PostgresError?
  /// Problems that did not stop the run (e.g. catalog facts that could not be read).
  public internal(set) var warnings: [String]
  /// One index set for all statements; nil without hypopg or when no statement needs an index.
  public internal(set) var workload: WorkloadAdvice?
  /// Statements answered from the store and those computed; nil when the run had no cache.
  public internal(set) var cache: CacheTotals?
}

/// The database could not be used at all: nothing was EXPLAINed.
public struct ConnectionFailure: Error, Sendable {
  public let error: PostgresError
  public let conninfoDescription: String

  /// One line: what failed and what to check. Never contains a password (libpq's messages do
  /// not, and we print only host, port, user and database names).
  public var message: String {
    "cannot connect to PostgreSQL (\(conninfoDescription)): \(error.message); \(advice)"
  }

  /// What to check, by what the server said: a wrong password is not a server that is down.
  var advice: String {
    let text = error.message.lowercased()
    if PostgresError.isOutOfSlots(error) {
      return "the server has no free connection slot (max_connections, or the role's CONNECTION LIMIT): retry later or lower --jobs"
    }
    if text.contains("password authentication failed") || text.contains("no password supplied")
      || text.contains("authentication failed") || text.contains("pg_hba.conf")
    {
      return "check the user and password (PGPASSWORD, ~/.pgpass) and pg_hba.conf"
    }
    if text.contains("does not exist") { return "check the database and user names" }
    if error.kind == .unresponsive || text.contains("timeout expired") {
      return "the server did not answer in time: is it overloaded or frozen? (--connect-timeout)"
    }
    return "check that the server is running and accepts connections there, and the --dsn / PGTUNE_QUERY_DSN / PG* settings"
  }
}

/// EXPLAINs the statements of an analysis against a database, in parallel, in the original order,
/// and adds plans and plan findings. Static findings are kept as they are, except that
/// `select-star` drops to `info` when every table the plan reads is small.
public enum LiveAnalyzer {
  public static func run(
    _ files: [FileAnalysis], options: LiveOptions, configuration: Configuration
  ) throws(ConnectionFailure) -> ([FileAnalysis], LiveSummary) {
    try run(files, prepared: LivePreparation.start(options), options: options, configuration: configuration)
  }

  /// As `run(_:options:configuration:)`, with the connection set up by `LivePreparation.start`
  /// while the caller parsed the files.
  public static func run(
    _ files: [FileAnalysis], prepared: LivePreparation, options: LiveOptions, configuration: Configuration
  ) throws(ConnectionFailure) -> ([FileAnalysis], LiveSummary) {
    let setup = try prepared.wait()
    let pool = prepared.pool
    var configuration = configuration
    configuration.applyDefault(.largeTableRows, Double(options.largeTableRows))

    var files = files
    let work = files.indices.flatMap { file in
      files[file].statements.indices.compactMap { index -> WorkItem? in
        let statement = files[file].statements[index]
        guard statement.error == nil, let plan = statement.explainPlan else { return nil }
        let sql = files[file].sql(of: statement)
        var key: StoreKey?
        if let cache = setup.cache, plan.explainableKind != nil, let tables = statement.tables,
          let fingerprint = statement.fingerprint
        {
          key = cache.key(sql: sql, fingerprint: fingerprint, tables: tables)
        }
        return WorkItem(
          file: file, index: index, sql: sql, plan: plan, staticRules: Set(statement.findings.map(\.rule)), cacheKey: key)
      }
    }
    if let cache = setup.cache, options.readCache { cache.prefetch(work.compactMap(\.cacheKey)) }
    let done = Counter()
    let connections = setup.connections
    let outcomes = ParallelRunner.map(
      count: work.count, workers: max(1, connections.count), batch: 1,
      makeWorker: { PooledSession(pool: pool, connection: connections.take()) },
      { session, index -> LiveStatementResult in
        let result = lookUpOrAnalyze(work[index], catalog: setup.catalog, cache: setup.cache, options: options, session: session)
        options.progress?(done.add(1), work.count)
        return result
      }, finish: { session in session.close() })

    connections.closeAll()
    var summary = LiveSummary(
      pool: pool.statistics, catalog: setup.catalog, lostConnection: pool.downError, warnings: setup.warnings)
    if setup.cache != nil { summary.cache = CacheTotals(hits: 0, misses: 0) }
    var naming = IndexNaming()
    for (item, result) in zip(work, outcomes) {
      if result.cache == .hit { summary.cache?.hits += 1 } else if result.cache == .miss { summary.cache?.misses += 1 }
      record(
        result, of: item, in: &files[item.file].statements[item.index], catalog: setup.catalog, options: options,
        configuration: configuration, naming: &naming)
    }
    if let catalog = setup.catalog, pool.downError == nil {
      switch WorkloadStage.run(files, catalog: catalog, options: options, naming: &naming, pool: pool) {
      case .success(let advice): summary.workload = advice
      case .failure(let error): summary.warnings.append("the workload's index set could not be chosen: \(error.message)")
      case nil: break
      }
    }
    return (MigrationSizing.sized(files, catalog: setup.catalog, largeTableRows: options.largeTableRows), summary)
  }

  /// A statement to send, with what its analysis needs.
  struct WorkItem: Sendable {
    let file: Int
    let index: Int
    let sql: String
    let plan: ExplainPlan
    let staticRules: Set<String>
    /// Where its analysis is cached (nil without a cache, or for statements never sent).
    let cacheKey: StoreKey?
  }

  /// What the first connection learns before the statements go out.
  struct Setup: Sendable {
    var catalog: CatalogFacts?
    var cache: AnalysisCache?
    var warnings: [String] = []
    /// The connections opened for the run (the first one included): as many as --jobs asks
    /// for, or as many as the server has slots for.
    var connections = ConnectionHandoff()
  }

  /// Connects once: catalog facts, hypopg (installed only with --enable-hypopg), and the planner
  /// settings the analysis cache's signatures need.
  static func prepare(pool: ConnectionPool, options: LiveOptions) throws(ConnectionFailure) -> Setup {
    var setup = Setup()
    do {
      let first = try pool.connect()
      setup.connections.add(first)
      do {
        setup.catalog = try CatalogFacts.load(from: first)
      } catch where error.kind == .query {
        // A table locked by a migration blocks pg_get_expr; plans are still worth having.
        setup.warnings.append("table sizes and indexes could not be read (\(error.message)); size-aware rules are off")
      }
      if options.advisor != nil, let facts = setup.catalog, !facts.hypopgInstalled {
        if options.enableHypopg && facts.hypopgAvailable {
          try first.query("BEGIN READ WRITE")
          try first.query("CREATE EXTENSION IF NOT EXISTS hypopg")
          try first.query("COMMIT")
          setup.catalog = try CatalogFacts.load(from: first)
        } else if facts.hypopgAvailable {
          setup.warnings.append(
            "hypopg is not installed in this database: index suggestions are heuristics, not verified (run CREATE EXTENSION hypopg, or pass --enable-hypopg)")
        } else {
          setup.warnings.append(
            "the hypopg extension is not available on this server: index suggestions are heuristics, not verified (install postgresql-15-hypopg)")
        }
      }
      if options.explain.analyze, (try? first.query("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user"))?.first?.first == "t" {
        setup.warnings.append(
          "--analyze as a superuser: statements really run (in a transaction that is rolled back); functions that escape a rollback are refused by the volatility gate, but a superuser can do anything a STABLE function hides — prefer a role with only the privileges the queries need")
      }
      if let store = options.store, let facts = setup.catalog, !options.explain.analyze {
        let settings = try AnalysisCache.plannerSettings(on: first)
        setup.cache = AnalysisCache(
          store: store, ttl: options.cacheTTL, catalog: facts, plannerSettings: settings, options: options)
      }
    } catch {
      setup.connections.closeAll()
      throw ConnectionFailure(error: error, conninfoDescription: ConninfoDescription.describe(options.conninfo))
    }
    openMore(options.jobs - 1, pool: pool, into: &setup)
    return setup
  }

  /// The rest of --jobs' connections. A server short of slots (max_connections nearly used, a
  /// role's CONNECTION LIMIT) gives fewer: the run goes on with those, and says so once.
  private static func openMore(_ wanted: Int, pool: ConnectionPool, into setup: inout Setup) {
    guard wanted > 0 else { return }
    var failure: PostgresError?
    for _ in 0..<wanted {
      do {
        setup.connections.add(try pool.connect())
      } catch {
        failure = error
        break
      }
    }
    guard let failure else { return }
    let opened = setup.connections.count
    let cause = PostgresError.isOutOfSlots(failure) ? "the server has no free connection slot (max_connections, or the role's CONNECTION LIMIT)" : failure.message
    setup.warnings.append("only \(opened) of \(wanted + 1) connections could be opened (\(cause)); going on with \(opened)")
  }

  /// A statement's live result: from the cache when it holds a fresh one, otherwise from the
  /// database (and then stored).
  private static func lookUpOrAnalyze(
    _ item: WorkItem, catalog: CatalogFacts?, cache: AnalysisCache?, options: LiveOptions, session: PooledSession
  ) -> LiveStatementResult {
    if item.plan.explainableKind == nil {
      return LiveStatementResult(outcome: .success(.notExplainable(item.plan.reason ?? "")))
    }
    let advisorDigest = AnalysisCache.advisorDigest(options)
    let rewritingDigest = AnalysisCache.rewritingDigest(options, staticRules: item.staticRules)
    if let cache, let key = item.cacheKey, let catalog, options.readCache,
      let cached = cache.lookup(key, advisor: advisorDigest, rewriting: rewritingDigest),
      let restored = LiveStatementResult(cached: cached, catalog: catalog)
    {
      return restored
    }
    // Parsed again only now: a cache hit never needs the tree.
    let root = StatementParser.parse(sql: item.sql).first?.root
    var result = analyze(
      sql: item.sql, plan: item.plan, rules: item.staticRules, root: root, catalog: catalog, options: options,
      session: session)
    if let cache, let key = item.cacheKey, let cached = result.cached(advisor: advisorDigest, rewriting: rewritingDigest) {
      cache.save(key, cached)
      result.cache = .miss
    }
    return result
  }

  /// Puts a statement's live result into its analysis: plan, plan findings, reviewed static
  /// findings, rewrites, index suggestions (named uniquely across the run) and their
  /// `missing-index` findings.
  private static func record(
    _ result: LiveStatementResult, of item: WorkItem, in statement: inout StatementAnalysis, catalog: CatalogFacts?,
    options: LiveOptions, configuration: Configuration, naming: inout IndexNaming
  ) {
    let stage = planStage(
      result.outcome, plan: item.plan, at: statement.start, catalog: catalog, options: options, configuration: configuration)
    var added = stage.findings
    // Only what this run asked for: an entry cached by `analyze` also carries advice and
    // rewrites, which a `check` run leaves out.
    var suggestions: [IndexSuggestion] = []
    if let catalog, options.advisor != nil, !result.chosen.isEmpty {
      suggestions = IndexAdvisor.suggestions(result.chosen, verified: result.verified, catalog: catalog, naming: &naming)
      if stage.analyzed, let plan = stage.plan {
        for index in suggestions.indices {
          suggestions[index].lowConfidence = IndexNotes.confidence(suggestions[index].candidate, plan: plan, catalog: catalog)
          suggestions[index].basis = "actual"
        }
        // A saving that rests on a wrong estimate is listed after the others.
        suggestions = suggestions.filter { $0.lowConfidence == nil } + suggestions.filter { $0.lowConfidence != nil }
      }
      added += suggestions.compactMap { missingIndexFinding($0, at: statement.start, configuration: configuration) }
    }
    statement.cache = result.cache
    statement.plan = stage.plan
    statement.planAnalyzed = stage.analyzed
    statement.indexSuggestions = suggestions
    if options.rewriting != nil, case .success(.plan) = result.outcome { statement.rewrites = result.rewrites }
    statement.findings = reviewed(statement.findings, plan: stage.plan, catalog: catalog, configuration: configuration)
    statement.add(added)
  }

  /// One statement against the database: EXPLAIN, then index advice and costed rewrites. Once
  /// the statement has a plan, a failure of the advice or of a rewrite's EXPLAIN loses only that
  /// part: the plan and its findings stay (and a lost connection still shows in the pool).
  private static func analyze(
    sql: String, plan: ExplainPlan, rules: Set<String>, root: Node?, catalog: CatalogFacts?, options: LiveOptions,
    session: PooledSession
  ) -> LiveStatementResult {
    let outcome: ExplainOutcome
    do throws(PostgresError) {
      outcome = try session.run { connection throws(PostgresError) in
        try SafeExplain.explain(sql, plan: plan, options: options.explain, on: connection)
      }
    } catch {
      return LiveStatementResult(outcome: .failure(error))
    }
    var result = LiveStatementResult(outcome: .success(outcome))
    guard case .plan(let baseline, _, _) = outcome, let catalog, let root else { return result }
    if let advisor = options.advisor {
      if let advice = try? advise(
        root: root, sql: sql, plan: plan, baseline: baseline, catalog: catalog, advisor: advisor, options: options,
        session: session)
      {
        (result.chosen, result.verified) = advice
      } else {
        result.partial = true
      }
    }
    if let rewriting = options.rewriting {
      let rewrites = Rewriter.rewrites(for: root, findings: rules, catalog: catalog, options: rewriting)
      if let costed = try? costedRewrites(rewrites, baseline: baseline, session: session) {
        result.rewrites = costed
      } else {
        result.partial = true
      }
    }
    return result
  }

  /// EXPLAINs each rewrite (safely, like any statement) and records both costs. Every rewrite is
  /// kept whatever its estimate (each is equivalent or carries its caveat, and estimates are not
  /// times); one the server rejects is dropped; one with placeholders is shown unpriced.
  private static func costedRewrites(_ rewrites: [Rewrite], baseline: ExplainResult, session: PooledSession)
    throws(PostgresError) -> [Rewrite]
  {
    var kept: [Rewrite] = []
    for rewrite in rewrites {
      guard rewrite.priceable else {
        kept.append(rewrite)
        continue
      }
      let parsed = StatementParser.parse(sql: rewrite.sql)
      guard let statement = parsed.first else { continue }
      let plan = ExplainPlan(statement)
      let outcome = try session.run { connection throws(PostgresError) in
        try SafeExplain.explain(rewrite.sql, plan: plan, options: ExplainOptions(), on: connection)
      }
      switch outcome {
      case .plan(let result, _, _):
        var costed = rewrite
        costed.costBefore = baseline.plan.totalCost
        costed.costAfter = result.plan.totalCost
        kept.append(costed)
      case .notExplainable:
        kept.append(rewrite)
      case .failed:
        continue
      }
    }
    return kept
  }

  /// Index advice for one statement: candidates from its parse tree, verified with hypopg when
  /// the database has it, otherwise the heuristic pick.
  private static func advise(
    root: Node, sql: String, plan: ExplainPlan, baseline: ExplainResult, catalog: CatalogFacts,
    advisor: AdvisorOptions, options: LiveOptions, session: PooledSession
  ) throws(PostgresError) -> ([(IndexCandidate, before: Double, after: Double?)], Bool) {
    // The parse tree's candidates first; the plan adds what a view, a CTE or an OR hides.
    var seen = Set<IndexCandidate>()
    let candidates = (CandidateFinder.candidates(for: root, catalog: catalog) + PlanCandidates.candidates(for: baseline, catalog: catalog))
      .filter { seen.insert($0).inserted }
    guard !candidates.isEmpty, baseline.plan.totalCost >= advisor.minimumCost else { return ([], false) }
    if catalog.hypopgInstalled {
      let chosen = try session.run { connection throws(PostgresError) in
        try IndexAdvisor.advise(
          sql: sql, plan: plan, baseline: baseline, candidates: candidates, catalog: catalog, options: advisor,
          on: connection)
      }
      return (chosen.map { ($0.0, $0.before, Optional($0.after)) }, true)
    }
    let picked = IndexAdvisor.heuristic(
      baseline: baseline, candidates: candidates, largeTableRows: Double(options.largeTableRows))
    return (picked.map { ($0, baseline.plan.totalCost, nil) }, false)
  }

  private static func missingIndexFinding(
    _ suggestion: IndexSuggestion, at offset: Int, configuration: Configuration
  ) -> Finding? {
    let description = LiveFindings.missingIndex
    guard configuration.isEnabled(description.id) else { return nil }
    let keys = suggestion.candidate.keys.map(\.display).joined(separator: ", ")
    var message = "an index on \(suggestion.candidate.tableName) (\(keys))"
    if let after = suggestion.costAfter, let percent = suggestion.savingsPercent {
      message += String(format: " cuts the cost from %.0f to %.0f (-%.0f %%)", suggestion.costBefore, after, percent)
    } else {
      message += " may avoid a sequential scan (not verified: hypopg is not installed)"
    }
    if let lowConfidence = suggestion.lowConfidence { message += "; \(lowConfidence)" }
    return Finding(
      rule: description.id, severity: configuration.rules[description.id]?.severity ?? description.defaultSeverity,
      message: message, offset: offset, help: suggestion.ddl)
  }

  /// What the database said about one statement, as the plan and the findings it adds.
  struct PlanStage {
    var plan: ExplainResult?
    var analyzed = false
    var findings: [Finding] = []
  }

  private static func planStage(
    _ outcome: Result<ExplainOutcome, PostgresError>, plan: ExplainPlan, at offset: Int, catalog: CatalogFacts?,
    options: LiveOptions, configuration: Configuration
  ) -> PlanStage {
    var stage = PlanStage()
    func report(_ description: RuleDescription, _ message: String, help: String? = nil, cause: FindingCause? = nil) {
      guard configuration.isEnabled(description.id) else { return }
      stage.findings.append(
        Finding(
          rule: description.id, severity: configuration.rules[description.id]?.severity ?? description.defaultSeverity,
          message: message, offset: offset, help: help, cause: cause))
    }
    switch outcome {
    case .failure(let error) where error.kind == .unresponsive:
      report(
        LiveFindings.explainTimeout, "not EXPLAINed: \(error.message)",
        help: "check the server (is it frozen, out of memory, or behind a broken network?); --client-timeout sets the wait",
        cause: .timeout)
    case .failure(let error):
      report(LiveFindings.explainFailed, LiveFindings.connectionFailureMessage(error.message), cause: .connectionFailed)
    case .success(.notExplainable(let reason)):
      report(LiveFindings.notExplainable, reason)
    case .success(.failed(let error)):
      switch error.sqlState {
      case "57014":
        report(
          LiveFindings.explainTimeout, "EXPLAIN was cancelled by statement_timeout (\(options.session.statementTimeout) ms)",
          help: "raise --statement-timeout, or look for what makes planning this statement slow", cause: .timeout)
      case "55P03":
        report(
          LiveFindings.explainTimeout, "EXPLAIN could not get a lock within lock_timeout (\(options.session.lockTimeout) ms)",
          help: "another session holds a conflicting lock on a table of this statement (a migration?)", cause: .timeout)
      default:
        let state = error.sqlState.map { " (SQLSTATE \($0))" } ?? ""
        report(LiveFindings.explainFailed, "EXPLAIN failed: \(error.message)\(state)", help: error.hint, cause: .explainFailed)
      }
    case .success(.plan(let result, let analyzed, let notRunBecause)):
      stage.plan = result
      stage.analyzed = analyzed
      if let notRunBecause {
        report(
          LiveFindings.analyzeSkipped, "not run by --analyze: \(notRunBecause); planned without ANALYZE",
          help: "run it by hand on a copy of the database if you need its real timings")
      } else if options.explain.analyze && !analyzed && plan.modifiesData {
        report(
          LiveFindings.analyzeSkipped, "data-modifying statement planned without ANALYZE",
          help: "add --allow-writes-in-rollback to run it inside a transaction that is rolled back")
      }
      stage.findings += PlanChecker.findings(for: result, catalog: catalog, configuration: configuration, offset: offset)
    }
    return stage
  }

  /// The static findings as the plan shows them: each rule a plan reviews confirms its finding
  /// (at its `confirmedSeverity`) or dismisses it (at its default, info), with the evidence. A
  /// severity set in the configuration is kept either way.
  private static func reviewed(_ findings: [Finding], plan: ExplainResult?, catalog: CatalogFacts?, configuration: Configuration)
    -> [Finding]
  {
    guard let plan, let catalog else { return findings }
    return findings.map { finding in
      guard let rule = AllRules.planReviewedRules[finding.rule], let description = AllRules.description(of: finding.rule)
      else { return finding }
      let settings = configuration.rules[finding.rule]
      let verdict = rule.review(finding, plan: plan, catalog: catalog, options: settings?.options ?? [:])
      let severity =
        settings?.severity ?? (verdict.confirmed ? description.confirmedSeverity ?? description.defaultSeverity : description.defaultSeverity)
      return Finding(
        rule: finding.rule, severity: severity, message: finding.message + " (\(verdict.evidence))", offset: finding.offset,
        help: verdict.confirmed ? finding.help : nil, subject: finding.subject, confirmedByPlan: verdict.confirmed)
    }
  }
}
