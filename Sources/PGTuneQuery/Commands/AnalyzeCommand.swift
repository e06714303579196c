/// What `analyze` is asked to do.
public struct AnalyzeRequest: Sendable {
  /// SQL files; `-` is standard input.
  public var inputs: [String]
  /// Saved EXPLAIN (FORMAT JSON) files, checked offline.
  public var planFiles: [String] = []
  public var stdinName = "<stdin>"
  public var configuration: Configuration
  /// Parser threads without a database (nil: every core).
  public var jobs: Int?
  /// Rewrites; nil turns them off.
  public var rewriting: Rewriter.Options? = Rewriter.Options()
  /// Set to run against a database (its `store` records history too).
  public var live: LiveOptions?
  /// Read psql meta-commands and variables (`--no-psql`: plain SQL).
  public var psql = true
  /// Globs left out of directory arguments (`--exclude`).
  public var exclude: [String] = []
  /// Say which psql meta-commands were skipped (`--verbose`).
  public var listSkippedMetaCommands = false

  public init(inputs: [String], configuration: Configuration) {
    self.inputs = inputs
    self.configuration = configuration
  }

  /// Threads for the work on this machine (parsing, rules, rendering): `jobs` without a database;
  /// with one, `jobs` counts connections and the local work still uses every core.
  public var localThreads: Int { live == nil ? jobs ?? ProcessInfoCores.count : ProcessInfoCores.count }
}

/// What `analyze` found.
public struct AnalyzeOutcome: Sendable {
  /// The analyses to report; nil when the run could not produce any (no database, bad plan file).
  public var files: [FileAnalysis]?
  public var live: LiveSummary?
  public var diagnostics: [Diagnostic] = []
  public var status: CommandStatus = .success
}

/// `analyze`: parse and check the files, then (with a database) EXPLAIN, advise and rewrite.
public enum AnalyzeCommand {
  public static func run(_ request: AnalyzeRequest) -> AnalyzeOutcome {
    var outcome = AnalyzeOutcome()
    let loaded = SourceLoader.load(request.inputs, plans: request.planFiles, stdinName: request.stdinName, psql: request.psql, exclude: request.exclude)
    let (sources, plans) = (loaded.sources, loaded.plans)
    outcome.diagnostics = loaded.problems.map { Diagnostic(.error, $0.localizedDescription) }
    if request.listSkippedMetaCommands { outcome.diagnostics += loaded.skippedMetaCommands.map { Diagnostic(.note, $0) } }
    var live = request.live
    live?.rewriting = request.rewriting
    // The database round trips of the set-up overlap with parsing.
    let preparation = live.map(LivePreparation.start)
    var analyses = Analyzer(
      configuration: request.configuration,
      jobs: request.localThreads,
      planningExplain: live != nil, rewriting: request.rewriting
    ).analyze(sources)
    if let live, let preparation {
      do {
        let summary: LiveSummary
        (analyses, summary) = try LiveAnalyzer.run(
          analyses, prepared: preparation, options: live, configuration: request.configuration)
        outcome.live = summary
        outcome.diagnostics += summary.warnings.map { Diagnostic(.warning, $0) }
        if let store = live.store { MetricsHistory.record(analyses, source: "analyze", store: store) }
      } catch {
        outcome.diagnostics.append(Diagnostic(.error, error.message))
        outcome.status = .database
        return outcome
      }
    }
    for plan in plans {
      do {
        analyses.append(try PlanFileAnalyzer.analyze(plan, configuration: request.configuration))
      } catch {
        outcome.diagnostics.append(Diagnostic(.error, error.localizedDescription))
        outcome.status = .usage
        return outcome
      }
    }
    outcome.files = analyses
    outcome.status = status(analyses, live: outcome.live, unreadable: !loaded.problems.isEmpty, request: request, &outcome.diagnostics)
    return outcome
  }

  private static func status(
    _ files: [FileAnalysis], live: LiveSummary?, unreadable: Bool, request: AnalyzeRequest, _ diagnostics: inout [Diagnostic]
  ) -> CommandStatus {
    if let lost = live?.lostConnection {
      diagnostics.append(
        Diagnostic(.error, "the database connection was lost during the run: \(lost.message); results above are partial"))
      return .database
    }
    if unreadable { return .usage }
    return findingsStatus(files, failOn: request.configuration.failOn ?? .error)
  }
}
