import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension PGTuneQueryCommand {
  /// `pgtune-query check`: the CI step that fails on slow-plan regressions.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Compare plans with a committed baseline and fail on slow-plan regressions.",
      discussion: """
        Each statement's plan is compared with its baseline entry, keyed by the statement's \
        fingerprint or by a `-- name: <name>` comment before it (so a reworded query keeps its \
        entry). Regressions (errors unless configured): cost-regression, index-scan-to-seq-scan, \
        index-only-to-index-scan, join-type-changed, sort-added, new-seq-scan-on-large-table, \
        statement-broken; index-changed is a warning, cost-improved an info, new-statement a \
        warning (--fail-on-new: error). The static and plan rules run as well. Exit status: 0 \
        pass; 1 a regression or finding at or above --fail-on; 2 usage error or unusable \
        baseline; 3 database error.
        """)

    @Argument(help: ArgumentHelp("SQL files whose statements are checked.", valueName: "file"), completion: .file(extensions: ["sql"]))
    var files: [String] = []

    @Option(help: ArgumentHelp("The baseline file.", valueName: "path"), completion: .file(extensions: ["json"]))
    var baseline = "pgtune-baseline.json"

    @Flag(help: "Write the current plans as the new baseline instead of comparing.")
    var updateBaseline = false

    @Option(
      help: ArgumentHelp("Saved EXPLAIN JSON files, one per statement named <key>.json, compared offline.", valueName: "directory"),
      completion: .directory)
    var plans: String?

    @Option(help: ArgumentHelp("Cost growth tolerated before cost-regression, in percent.", valueName: "percent"))
    var maxCostIncrease: Double = 20

    @Flag(help: "Statements without a baseline entry are errors.")
    var failOnNew = false

    @Flag(help: "Compare with a baseline from another PostgreSQL major version (a warning instead of an error).")
    var allowServerChange = false

    @Option(
      help: ArgumentHelp(
        OutputFormats.help(OutputFormats.statements) + " Default: github when GITHUB_ACTIONS=true, else text.",
        valueName: "format"))
    var format: FormatChoice<StatementFormats>?

    @Option(
      help: ArgumentHelp("Write the report to this file; the text report still goes to the terminal.", valueName: "path"),
      completion: .file())
    var output: String?

    @Option(help: ArgumentHelp("Database connections (default 1).", valueName: "n"))
    var jobs: Int?

    @OptionGroup var rules: RuleOptions

    @Flag(name: .customLong("no-psql"), help: "Read files as plain SQL: no psql meta-commands (\\set, \\i, \\if…) or :variables.")
    var noPsql = false

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @OptionGroup(title: "Store") var store: StoreOptions

    @OptionGroup(title: "Cache") var cache: CacheOptions

    @OptionGroup(title: "Display") var display: DisplayOptions

    func validate() throws {
      if plans == nil && files.isEmpty { throw ValidationError("give the SQL files to check, or --plans DIRECTORY") }
      if plans == nil && database.resolvedDSN == nil {
        throw ValidationError("check needs a database (--dsn or PGTUNE_QUERY_DSN), or saved plans (--plans DIRECTORY)")
      }
      if maxCostIncrease < 0 { throw ValidationError("--max-cost-increase must not be negative") }
      if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
      display.apply()
      let configuration = try RuleOptions.configuration(rules, database)
      let tiers = plans == nil ? store.open(cache: cache) : nil
      defer { store.finish(tiers) }
      let outcome = CheckCommand.run(request(configuration, store: tiers))
      if let files = outcome.files, let summary = outcome.summary {
        let report = AnalysisReport(
          files: files, pool: outcome.live?.pool, cache: outcome.live?.cache, check: summary,
          failOn: configuration.failOn ?? .error, title: "pgtune-query check", style: Terminal.textStyle)
        let inCI = ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true"
        let chosen = format ?? .named(inCI ? "github" : "text")
        try Output.emit(chosen.format, report, to: output, terminalText: TextReporter.format)
      }
      database.showStatistics(outcome.live)
      Terminal.show(outcome.diagnostics)
      try outcome.status.exit()
    }

    private func request(_ configuration: Configuration, store tiers: TieredStore?) -> CheckRequest {
      var request = CheckRequest(inputs: files, baselinePath: baseline, configuration: configuration)
      request.psql = !noPsql
      request.plansDirectory = plans
      request.updateBaseline = updateBaseline
      request.allowServerChange = allowServerChange
      request.options.maxCostIncrease = maxCostIncrease / 100
      request.options.failOnNew = failOnNew
      request.options.largeTableRows = Double(database.largeTableRows ?? 10_000)
      if plans == nil, let dsn = database.resolvedDSN {
        var live = database.liveOptions(conninfo: dsn, jobs: jobs ?? 1)
        cache.apply(to: &live, store: tiers)
        request.live = live
      }
      return request
    }
  }
}
