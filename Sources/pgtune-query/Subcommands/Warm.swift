import ArgumentParser
import Foundation
import PGTuneQuery

extension PGTuneQueryCommand {
  /// `pgtune-query warm`: analyze the most expensive logged queries ahead of time.
  struct Warm: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Analyze the costliest logged queries ahead of time, so analyze and check find them cached.",
      discussion: """
        Takes the queries of the report runs recorded in the store (or of the logs given, - for \
        standard input), orders them by calls × mean time, and analyzes the top N against the \
        database like analyze --dsn does, storing each result. Entries still fresh in the \
        store are skipped. Statements that fail for a transient reason (timeout, lock wait, \
        lost connection) are retried with exponential backoff. The text analyzed is each \
        query's slowest logged sample, so a later analyze of that same statement is a cache hit.
        """)

    @Argument(help: ArgumentHelp("Logs to take the queries from (default: the stored report runs).", valueName: "log"))
    var logs: [String] = []

    @Option(help: ArgumentHelp("How many queries to analyze.", valueName: "n"))
    var top = 50

    @Option(help: ArgumentHelp("Database connections analyzing in parallel.", valueName: "n"))
    var jobs = 2

    @Option(help: ArgumentHelp("Retries of a statement that failed transiently (backoff 0.5 s, 1 s, 2 s…).", valueName: "n"))
    var retries = 3

    @OptionGroup var rules: RuleOptions

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @OptionGroup(title: "Store") var store: StoreOptions

    func validate() throws {
      if top < 1 { throw ValidationError("--top must be at least 1") }
      if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
      if retries < 0 { throw ValidationError("--retries must not be negative") }
      if database.resolvedDSN == nil { throw ValidationError("warm needs a database (--dsn or PGTUNE_QUERY_DSN)") }
      if store.disabled { throw ValidationError("warm fills the store; --no-store leaves nothing to fill") }
    }

    func run() throws {
      let configuration = try RuleOptions.configuration(rules, database)
      guard let tiers = store.open() else { return }
      defer { store.finish(tiers) }
      let report = try queries(tiers)
      let chosen = WarmPlan.choose(from: report, top: top)
      guard !chosen.isEmpty else {
        Terminal.error("no parsed query to warm: run report on logs first, or give a log")
        throw ExitStatus.noQueries.exitCode
      }
      let source = SourceFile(name: "<warm>", bytes: Array(WarmPlan.script(chosen).utf8))
      var analyses = Analyzer(configuration: configuration, jobs: 1, planningExplain: true, rewriting: Rewriter.Options())
        .analyze([source])
      var options = database.liveOptions(conninfo: database.resolvedDSN ?? "", jobs: jobs)
      store.apply(to: &options, store: tiers)
      let bar = ProgressBar("warming")
      options.progress = { done, total in bar.update(done, of: total) }
      var hits = 0
      var misses = 0
      var attempt = 0
      var pending = Array(analyses[0].statements.indices)
      let original = analyses
      while !pending.isEmpty {
        var batch = original
        batch[0].keepStatements(pending)
        let (results, summary): ([FileAnalysis], LiveSummary)
        do {
          (results, summary) = try LiveAnalyzer.run(batch, options: options, configuration: configuration)
        } catch {
          guard attempt < retries else {
            Terminal.error(error.message)
            throw ExitStatus.database.exitCode
          }
          backoff(&attempt, reason: error.error.message)
          continue
        }
        for warning in summary.warnings where attempt == 0 { Terminal.warning(warning) }
        hits += summary.cache?.hits ?? 0
        misses += summary.cache?.misses ?? 0
        for (index, statement) in zip(pending, results[0].statements) { analyses[0].replaceStatement(index, with: statement) }
        pending = zip(pending, results[0].statements).filter { LiveFindings.failedTransiently($0.1) }.map(\.0)
        guard !pending.isEmpty, attempt < retries else { break }
        backoff(&attempt, reason: "\(pending.count) statement(s) failed transiently")
      }
      bar.clear()
      MetricsHistory.record(analyses, source: "warm", store: tiers)
      Terminal.write(
        "warmed \(chosen.count) quer\(chosen.count == 1 ? "y" : "ies"): \(misses) analyzed, \(hits) already fresh"
          + (pending.isEmpty ? "" : ", \(pending.count) failed after \(retries) retries") + "\n")
      for (query, statement) in zip(chosen, analyses[0].statements) {
        let notSent = statement.explainPlan.map { $0.explainableKind == nil } ?? true
        let state = statement.cache.map { $0 == .hit ? "fresh" : "analyzed" } ?? (notSent ? "not sent" : "failed")
        let cost = statement.plan.map { String(format: "cost %.0f", $0.plan.totalCost) } ?? "no plan"
        let total = String(format: "%10.1f ms total", query.totalMilliseconds)
        Terminal.write("  \(pad(state, 8)) \(pad(cost, 14)) \(total)  \(query.query.prefix(70))\n")
      }
      if !pending.isEmpty { throw ExitStatus.database.exitCode }
    }

    private func pad(_ text: String, _ width: Int) -> String {
      text + String(repeating: " ", count: max(0, width - text.count))
    }

    private func backoff(_ attempt: inout Int, reason: String) {
      let delay = 0.5 * pow(2, Double(attempt))
      attempt += 1
      Terminal.warning("\(reason); retry \(attempt) of \(retries) in \(delay) s")
      Thread.sleep(forTimeInterval: delay)
    }

    /// The aggregates to warm from: the logs given, or every report run in the store.
    private func queries(_ tiers: TieredStore) throws -> LogReport {
      guard !logs.isEmpty else { return ReportStore.load(from: tiers).report }
      let reader = LogReader(format: nil, filter: LogFilter())
      var merged = LogReport()
      for path in logs {
        guard let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
          Terminal.error("\(path): cannot read the log file")
          throw ExitStatus.usage.exitCode
        }
        merged = LogReportMerge.merge(merged, reader.read(handle).0)
      }
      return merged
    }
  }
}
