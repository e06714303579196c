import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension LogFormat: ExpressibleByArgument {}

extension PGTuneQueryCommand {
  /// `pgtune-query report`: per-query performance from PostgreSQL server logs.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "Summarize PostgreSQL server logs per normalized query.",
      discussion: """
        Reads stderr logs (any log_line_prefix with a timestamp and pid, or exactly the one given \
        with --prefix), csvlog or jsonlog, plain or gzip, from files or standard input, and \
        aggregates `duration:` lines (log_min_duration_statement, or log_statement + \
        log_duration) by libpg_query fingerprint: calls, total, mean, min, max, p50/p95/p99, \
        errors, temporary files, lock waits, slowest samples, and breakdowns by database, user \
        and application. auto_explain plans (text or JSON) are attached to their query and \
        checked by the plan rules, with the time spent in sequential scans per table. Exit \
        status 4 when input was read but no query was recognized, with a diagnosis.

        Each run's aggregates are recorded in the store (unless --no-store), with per-query \
        history. --from-store reports on the stored runs instead of reading logs: with a shared \
        tier (--store redis://…) that is every machine's runs, one fleet report; there \
        --since/--until select runs by the time they were recorded.
        """)

    @Argument(help: ArgumentHelp("Log files (default: standard input).", valueName: "file"), completion: .file())
    var files: [String] = []

    @Option(help: ArgumentHelp("Log format (default: detected from the first line): stderr (any log_line_prefix; also syslog RFC 3164 and 5424, AWS RDS and CloudWatch exports, Azure's %t-%c-, Heroku logplex), csv (csvlog), json (jsonlog, Cloud SQL through Cloud Logging, CloudNativePG).", valueName: "format"))
    var logFormat: LogFormat?

    @Option(help: FormatChoice<LogFormats>.help)
    var format = FormatChoice<LogFormats>.named("text")

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"), completion: .file())
    var output: String?

    @Option(help: ArgumentHelp("Queries per table.", valueName: "n"))
    var top = 10

    @Option(help: ArgumentHelp("Only events at or after this time (as the log writes it, e.g. 2024-05-01 10:00).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only events at or before this time.", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Only this database.", valueName: "name"))
    var database: String?

    @Option(help: ArgumentHelp("Only this user.", valueName: "name"))
    var user: String?

    @Option(help: ArgumentHelp("Only this application_name.", valueName: "name"))
    var application: String?

    @Option(help: ArgumentHelp("Only queries that took at least this many milliseconds.", valueName: "ms"))
    var minDuration: Double?

    @Option(
      help: ArgumentHelp(
        "The server's log_line_prefix (e.g. '%m [%p] %q%u@%d '), to read stderr prefixes exactly (default: recognized automatically).",
        valueName: "format"))
    var prefix: String?

    @Option(help: ArgumentHelp(
        "Threads reading the logs (default: the number of cores). With more threads than files, each stderr, csv or json log over 32 MB is read in parts at once (a logging service's JSON envelope is read whole), with the same report.",
        valueName: "n"))
    var jobs: Int?

    @Option(
      help: ArgumentHelp(
        "Distinct queries kept exactly; the lightest beyond it are folded into one \"other queries\" row, so memory stays bounded.",
        valueName: "n"))
    var maxQueries = 100_000

    @Flag(help: "Report on the runs recorded in the store instead of reading logs.")
    var fromStore = false

    @Flag(help: "Read every log in full, even one the store says was recorded already (each log is otherwise read once: a recorded one is skipped, a grown one read from where the last run stopped).")
    var reread = false

    @OptionGroup(title: "Store") var store: StoreOptions

    func validate() throws {
      if top < 1 { throw ValidationError("--top must be at least 1") }
      if maxQueries < 1 { throw ValidationError("--max-queries must be at least 1") }
      if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
      if let prefix {
        do { _ = try LogLinePrefix(format: prefix) } catch { throw ValidationError("--prefix: \(error.message)") }
      }
      if fromStore && !files.isEmpty { throw ValidationError("--from-store reads the store, not log files") }
      if fromStore && store.disabled { throw ValidationError("--from-store and --no-store contradict each other") }
      if fromStore, let since, HistoryCommand.date(since) == nil {
        throw ValidationError("--since: not a date: \(since)")
      }
    }

    func run() throws {
      let tiers = store.open()
      defer { store.finish(tiers) }
      let bar = ProgressBar("reading")
      let outcome = ReportCommand.run(try request(store: tiers, bar: bar))
      bar.clear()
      if let report = outcome.report {
        try Output.emit(format.format, LogReportOutput(report: report, top: top), to: output)
      }
      Terminal.show(outcome.diagnostics)
      try outcome.status.exit()
    }

    private func request(store tiers: TieredStore?, bar: ProgressBar) throws -> ReportRequest {
      var filter = LogFilter()
      filter.since = since
      filter.until = until
      filter.database = database
      filter.user = user
      filter.application = application
      filter.minimumMilliseconds = minDuration
      var reader = LogReader(format: logFormat, filter: filter, prefix: try prefix.map { try LogLinePrefix(format: $0) })
      reader.maxQueries = maxQueries
      var request = ReportRequest(inputs: files, reader: reader)
      request.jobs = jobs ?? ProcessInfoCores.count
      request.fromStore = fromStore
      request.reread = reread
      request.since = since.flatMap(HistoryCommand.date)
      request.until = until.flatMap(HistoryCommand.date)
      request.store = tiers
      let start = Date()
      request.progress = { bytes, total in bar.update(bytes: bytes, of: total, startedAt: start) }
      return request
    }
  }
}
