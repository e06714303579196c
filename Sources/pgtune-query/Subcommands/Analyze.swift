import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension PGTuneQueryCommand {
  /// `pgtune-query analyze FILE…`: static analysis of SQL files.
  struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "analyze",
      abstract: "Analyze SQL files and report slow or wrong statements.",
      discussion: """
        Every statement is parsed with PostgreSQL's parser and checked by the static rules. \
        A statement that does not parse is reported at file:line:col (rule syntax-error) and \
        the other statements are still analyzed. Silence a rule for the next statement with \
        `-- pgtune-query: ignore <rule-id>[, <rule-id>]`, or for the whole file with \
        `-- pgtune-query: ignore-file <rule-id>`.

        With --dsn, every SELECT/INSERT/UPDATE/DELETE/MERGE is EXPLAINed (FORMAT JSON) inside \
        a read-only transaction that is rolled back, and the plan rules run on the plans. Other \
        statements are never sent. With --plan, saved EXPLAIN JSON files are checked offline.
        """)

    @Argument(
      help: ArgumentHelp("SQL files or directories to analyze; - reads standard input.", valueName: "file"),
      completion: .file(extensions: ["sql"]))
    var files: [String] = []

    @Option(
      name: .customLong("plan"),
      help: ArgumentHelp("EXPLAIN (FORMAT JSON) output to check offline (repeatable).", valueName: "file"),
      completion: .file(extensions: ["json"]))
    var planFiles: [String] = []

    @Option(help: FormatChoice<StatementFormats>.help)
    var format = FormatChoice<StatementFormats>.named("text")

    @Option(
      help: ArgumentHelp(
        "Write the report in --format to this file; the text report still goes to the terminal.", valueName: "file"),
      completion: .file())
    var output: String?

    @Option(
      help: ArgumentHelp(
        "Parallel jobs: database connections with --dsn (default 1), threads for parsing, rules and output otherwise (default: the number of cores).",
        valueName: "n"))
    var jobs: Int?

    @Option(
      help: ArgumentHelp(
        "Leave out files and directories found in a directory argument that match this glob (repeatable): vendor, '*_down.sql', 'legacy/*'.",
        valueName: "glob"))
    var exclude: [String] = []

    @Option(help: ArgumentHelp("Name shown for standard input.", valueName: "name"))
    var stdinName = "<stdin>"

    @OptionGroup var rules: RuleOptions

    @Flag(name: .customLong("no-psql"), help: "Read files as plain SQL: no psql meta-commands (\\set, \\i, \\if…) or :variables.")
    var noPsql = false

    @Option(help: ArgumentHelp("Also suggest adding LIMIT n to SELECTs without one.", valueName: "n"))
    var suggestLimit: Int?

    @Flag(help: "Do not suggest rewritten SQL.")
    var noRewrites = false

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @OptionGroup(title: "Index set") var indexSet: IndexSetOptions

    @OptionGroup(title: "Store") var store: StoreOptions

    @OptionGroup(title: "Cache") var cache: CacheOptions

    @OptionGroup(title: "Display") var display: DisplayOptions

    func validate() throws {
      guard !files.isEmpty || !planFiles.isEmpty else {
        throw ValidationError("give at least one SQL file, - for standard input, or --plan FILE")
      }
      if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
      if let suggestLimit, suggestLimit < 1 { throw ValidationError("--suggest-limit must be at least 1") }
      if format.format.needsDatabase && database.resolvedDSN == nil {
        throw ValidationError("--format \(format.name) prints index suggestions, which need a database (--dsn)")
      }
    }

    func run() throws {
      display.apply()
      let configuration = try RuleOptions.configuration(rules, database)
      let tiers = database.resolvedDSN == nil ? nil : store.open(cache: cache)
      defer { store.finish(tiers) }
      let request = request(configuration, store: tiers)
      let outcome = AnalyzeCommand.run(request)
      if let files = outcome.files {
        let report = AnalysisReport(
          files: files, pool: outcome.live?.pool, cache: outcome.live?.cache, failOn: configuration.failOn ?? .error,
          style: Terminal.textStyle, workload: outcome.live?.workload, threads: request.localThreads)
        try Output.emit(format.format, report, to: output, terminalText: TextReporter.format)
        ProcessMemory.keepUntilExit(report)
      }
      ProcessMemory.keepUntilExit(outcome)
      database.showStatistics(outcome.live)
      Terminal.show(outcome.diagnostics)
      try outcome.status.exit()
    }

    private func request(_ configuration: Configuration, store tiers: TieredStore?) -> AnalyzeRequest {
      var request = AnalyzeRequest(inputs: files, configuration: configuration)
      request.planFiles = planFiles
      request.stdinName = stdinName
      request.psql = !noPsql
      request.exclude = exclude
      request.listSkippedMetaCommands = database.verbose
      request.jobs = jobs
      request.rewriting = noRewrites ? nil : Rewriter.Options(suggestLimit: suggestLimit)
      if let dsn = database.resolvedDSN {
        var live = database.liveOptions(conninfo: dsn, jobs: jobs ?? 1)
        live.workload = indexSet.workload
        cache.apply(to: &live, store: tiers)
        request.live = live
      }
      return request
    }
  }
}
