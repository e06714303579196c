import Foundation

/// What `warm` is asked to do.
public struct WarmRequest: Sendable {
  /// Logs to choose the queries from; empty: every report run in the store.
  public var logs: [String] = []
  /// How many of the costliest queries (calls × mean time).
  public var top = 50
  /// Retries of statements that failed transiently (timeouts, lost connections), with backoff.
  public var retries = 2
  public var configuration: Configuration
  /// The database; its `store` is the store being warmed (required).
  public var live: LiveOptions
  /// Waits between retries; tests pass one that does not sleep.
  public var wait: @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }

  public init(configuration: Configuration, live: LiveOptions) {
    self.configuration = configuration
    self.live = live
  }
}

/// What `warm` did, query by query.
public struct WarmOutcome: Sendable {
  /// One chosen query and what became of it.
  public struct Item: Sendable {
    public enum State: String, Sendable { case fresh, analyzed, notSent = "not sent", failed }
    public let query: QueryAggregate
    public let state: State
    public let cost: Double?
  }

  public var items: [Item] = []
  public var retriesAllowed = 0
  public var diagnostics: [Diagnostic] = []
  public var status: CommandStatus = .success

  /// How many items ended in `state`.
  public func count(_ state: Item.State) -> Int { items.filter { $0.state == state }.count }
}

/// `warm`: analyze the costliest logged queries now, so later runs find them in the store.
public enum WarmCommand {
  public static func run(_ request: WarmRequest) -> WarmOutcome {
    var outcome = WarmOutcome()
    outcome.retriesAllowed = request.retries
    guard let store = request.live.store else {
      outcome.diagnostics.append(Diagnostic(.error, "warm fills the store; there is none"))
      outcome.status = .usage
      return outcome
    }
    let report: LogReport
    switch queries(request.logs, store: store) {
    case .success(let found): report = found
    case .failure(let problem):
      outcome.diagnostics.append(Diagnostic(.error, problem.message))
      outcome.status = .usage
      return outcome
    }
    let chosen = WarmPlan.choose(from: report, top: request.top)
    guard !chosen.isEmpty else {
      outcome.diagnostics.append(Diagnostic(.error, "no parsed query to warm: run report on logs first, or give a log"))
      outcome.status = .noQueries
      return outcome
    }
    let source = SourceFile(name: "<warm>", bytes: Array(WarmPlan.script(chosen).utf8))
    let analyses = Analyzer(configuration: request.configuration, jobs: 1, planningExplain: true, rewriting: Rewriter.Options())
      .analyze([source])
    guard let (statements, failed) = analyzeWithRetries(analyses, request, &outcome) else { return outcome }
    MetricsHistory.record([FileAnalysis(source: source, statements: statements)], source: "warm", store: store)
    outcome.items = zip(chosen, statements).map { query, statement in
      let notSent = statement.explainPlan.map { $0.explainableKind == nil } ?? true
      let state: WarmOutcome.Item.State =
        statement.cache.map { $0 == .hit ? .fresh : .analyzed } ?? (notSent ? .notSent : .failed)
      return WarmOutcome.Item(query: query, state: state, cost: statement.plan?.plan.totalCost)
    }
    if failed { outcome.status = .database }
    return outcome
  }

  /// Live analysis of every statement; those that failed transiently are tried again after a
  /// growing pause. Nil when the database cannot be used at all (after the retries).
  private static func analyzeWithRetries(_ analyses: [FileAnalysis], _ request: WarmRequest, _ outcome: inout WarmOutcome)
    -> ([StatementAnalysis], failed: Bool)?
  {
    var statements = analyses[0].statements
    var pending = Array(statements.indices)
    var attempt = 0
    while !pending.isEmpty {
      var batch = analyses
      batch[0].keepStatements(pending)
      do {
        let (results, summary) = try LiveAnalyzer.run(batch, options: request.live, configuration: request.configuration)
        if attempt == 0 { outcome.diagnostics += summary.warnings.map { Diagnostic(.warning, $0) } }
        for (index, statement) in zip(pending, results[0].statements) { statements[index] = statement }
        pending = zip(pending, results[0].statements).filter { LiveFindings.failedTransiently($0.1) }.map(\.0)
        guard !pending.isEmpty, attempt < request.retries else { break }
        backoff(&attempt, request, reason: "\(pending.count) statement(s) failed transiently", &outcome)
      } catch {
        guard attempt < request.retries else {
          outcome.diagnostics.append(Diagnostic(.error, error.message))
          outcome.status = .database
          return nil
        }
        backoff(&attempt, request, reason: error.error.message, &outcome)
      }
    }
    return (statements, !pending.isEmpty)
  }

  private static func backoff(_ attempt: inout Int, _ request: WarmRequest, reason: String, _ outcome: inout WarmOutcome) {
    let delay = 0.5 * pow(2, Double(attempt))
    attempt += 1
    outcome.diagnostics.append(Diagnostic(.warning, "\(reason); retry \(attempt) of \(request.retries) in \(delay) s"))
    request.wait(delay)
  }

  struct Problem: Error { let message: String }

  /// The aggregates to warm from: the logs given, or every report run in the store.
  private static func queries(_ logs: [String], store: TieredStore) -> Result<LogReport, Problem> {
    guard !logs.isEmpty else { return .success(ReportStore.load(from: store).report) }
    let reader = LogReader(format: nil, filter: LogFilter())
    var merged = LogReport()
    for path in logs {
      guard let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
        return .failure(Problem(message: "\(path): cannot read the log file"))
      }
      merged = LogReportMerge.merge(merged, reader.read(handle).0)
    }
    return .success(merged)
  }
}
