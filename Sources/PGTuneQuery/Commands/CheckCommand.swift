import Foundation

/// What `check` is asked to do.
public struct CheckRequest: Sendable {
  /// SQL files, planned live; ignored when `plansDirectory` is set.
  public var inputs: [String]
  /// `<key>.json` EXPLAIN files compared offline instead.
  public var plansDirectory: String?
  public var baselinePath: String
  /// Record the plans instead of comparing them.
  public var updateBaseline = false
  /// A baseline from another PostgreSQL major version is a warning, not an error.
  public var allowServerChange = false
  public var options = CheckOptions()
  public var configuration: Configuration
  /// The database (advice and rewrites are turned off: check compares plans).
  public var live: LiveOptions?
  /// Read psql meta-commands and variables (`--no-psql`: plain SQL).
  public var psql = true

  public init(inputs: [String], baselinePath: String, configuration: Configuration) {
    self.inputs = inputs
    self.baselinePath = baselinePath
    self.configuration = configuration
  }
}

/// What `check` found.
public struct CheckOutcome: Sendable {
  /// The statements with their findings; nil when nothing could be compared.
  public var files: [FileAnalysis]?
  /// The comparison; nil after `--update-baseline`.
  public var summary: CheckSummary?
  public var live: LiveSummary?
  public var diagnostics: [Diagnostic] = []
  public var status: CommandStatus = .success
}

/// `check`: plan each statement and compare it with the committed baseline.
public enum CheckCommand {
  public static func run(_ request: CheckRequest) -> CheckOutcome {
    var outcome = CheckOutcome()
    func fail(_ status: CommandStatus, _ message: String) -> CheckOutcome {
      outcome.diagnostics.append(Diagnostic(.error, message))
      outcome.status = status
      return outcome
    }
    var expected: Baseline?
    if !request.updateBaseline || FileManager.default.fileExists(atPath: request.baselinePath) {
      do {
        expected = try Baseline.load(path: request.baselinePath)
      } catch {
        if !request.updateBaseline { return fail(.usage, error.message) }
      }
    }
    let analyses: [FileAnalysis]
    switch gather(request, into: &outcome) {
    case .success(let files): analyses = files
    case .failure(let failure): return fail(failure.status, failure.message)
    }
    if let problem = serverChange(expected, outcome.live?.catalog, request) {
      guard request.allowServerChange else { return fail(.usage, problem + " (run --update-baseline, or pass --allow-server-change)") }
      outcome.diagnostics.append(Diagnostic(.warning, problem))
    }
    if request.updateBaseline {
      switch writeBaseline(analyses, request, serverVersion: outcome.live?.catalog?.serverVersion ?? expected?.serverVersion ?? 0) {
      case .success(let count):
        outcome.diagnostics.append(
          Diagnostic(.note, "wrote \(count) baseline entr\(count == 1 ? "y" : "ies") to \(request.baselinePath)"))
        return outcome
      case .failure(let failure):
        return fail(failure.status, failure.message)
      }
    }
    var checked = analyses
    outcome.summary = PlanComparison.compare(
      &checked, baseline: expected ?? Baseline(serverVersion: 0, entries: [:]), catalog: outcome.live?.catalog,
      options: request.options, configuration: request.configuration)
    outcome.files = checked
    if let lost = outcome.live?.lostConnection {
      outcome.diagnostics.append(
        Diagnostic(.error, "the database connection was lost during the run: \(lost.message); results above are partial"))
      outcome.status = .database
    } else {
      outcome.status = findingsStatus(checked, failOn: request.configuration.failOn ?? .error)
    }
    return outcome
  }

  struct Failure: Error {
    let status: CommandStatus
    let message: String
  }

  /// The statements with their plans: live from the database, or from saved plan files.
  private static func gather(_ request: CheckRequest, into outcome: inout CheckOutcome) -> Result<[FileAnalysis], Failure> {
    if let directory = request.plansDirectory { return loadPlans(directory: directory, configuration: request.configuration) }
    let loaded = SourceLoader.load(request.inputs, stdinName: "<stdin>", psql: request.psql)
    let sources = loaded.sources
    if let problem = loaded.problems.first { return .failure(Failure(status: .usage, message: problem.localizedDescription)) }
    guard var options = request.live else {
      return .failure(Failure(status: .usage, message: "check needs a database, or saved plans"))
    }
    options.advisor = nil
    options.rewriting = nil
    // The database round trips of the set-up overlap with parsing.
    let preparation = LivePreparation.start(options)
    let analyses = Analyzer(configuration: request.configuration, planningExplain: true, rewriting: nil).analyze(
      sources.map { SourceFile(name: RelativePath.of($0.name), bytes: $0.bytes) })
    do {
      let (files, summary) = try LiveAnalyzer.run(
        analyses, prepared: preparation, options: options, configuration: request.configuration)
      outcome.live = summary
      outcome.diagnostics += summary.warnings.map { Diagnostic(.warning, $0) }
      if let store = options.store { MetricsHistory.record(files, source: "check", store: store) }
      return .success(files)
    } catch {
      return .failure(Failure(status: .database, message: error.message))
    }
  }

  private static func serverChange(_ expected: Baseline?, _ catalog: CatalogFacts?, _ request: CheckRequest) -> String? {
    guard let catalog, let expected, !request.updateBaseline,
      expected.serverVersion / 10_000 != catalog.serverVersion / 10_000
    else { return nil }
    return "\(request.baselinePath): the baseline comes from PostgreSQL \(expected.serverVersion / 10_000), the database is \(catalog.serverVersion / 10_000): plans are not comparable"
  }

  private static func loadPlans(directory: String, configuration: Configuration) -> Result<[FileAnalysis], Failure> {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      return .failure(Failure(status: .usage, message: "\(directory): cannot read the plans directory"))
    }
    var result: [FileAnalysis] = []
    for name in names.filter({ $0.hasSuffix(".json") }).sorted() {
      let path = (directory as NSString).appendingPathComponent(name)
      do {
        let source = try SourceFile.read(path: path, displayName: RelativePath.of(path))
        result.append(try PlanFileAnalyzer.analyze(source, configuration: configuration, key: String(name.dropLast(5))))
      } catch {
        return .failure(Failure(status: .usage, message: error.localizedDescription))
      }
    }
    return .success(result)
  }

  /// Writes the baseline; the number of entries written.
  private static func writeBaseline(_ analyses: [FileAnalysis], _ request: CheckRequest, serverVersion: Int)
    -> Result<Int, Failure>
  {
    var entries: [String: Baseline.Entry] = [:]
    for file in analyses {
      for statement in file.statements {
        guard let plan = statement.plan, let key = PlanComparison.key(of: statement) else { continue }
        entries[key] = Baseline.Entry(plan: plan, name: statement.name, file: file.source.name, fingerprint: statement.fingerprint)
      }
    }
    let written = Baseline(serverVersion: serverVersion, entries: entries)
    do {
      try OutputFile.write(Array(written.encoded()), to: request.baselinePath)
    } catch {
      let reason = (error as? OutputFileError)?.reason ?? error.localizedDescription
      return .failure(Failure(status: .usage, message: "\(request.baselinePath): cannot write the baseline (\(reason))"))
    }
    return .success(entries.count)
  }
}

/// A path relative to the working directory when it is inside it (stable baselines and reports).
enum RelativePath {
  static func of(_ path: String) -> String {
    let directory = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(directory) ? String(path.dropFirst(directory.count)) : path
  }
}
