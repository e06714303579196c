import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, markdown, html
}

extension LogFormat: ExpressibleByArgument {}

extension PGTuneQueryCommand {
  /// `pgtune-query report`: per-query performance from PostgreSQL server logs.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
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

    @Argument(help: ArgumentHelp("Log files (default: standard input).", valueName: "file"))
    var files: [String] = []

    @Option(help: ArgumentHelp("Log format (default: detected from the first line).", valueName: "format"))
    var logFormat: LogFormat?

    @Option(help: "Output format.")
    var format: ReportFormat = .text

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

    @Option(help: ArgumentHelp("Log files read in parallel (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    @Flag(help: "Report on the runs recorded in the store instead of reading logs.")
    var fromStore = false

    @OptionGroup(title: "Store") var store: StoreOptions

    func validate() throws {
      if top < 1 { throw ValidationError("--top must be at least 1") }
      if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
      if let prefix {
        do { _ = try LogLinePrefix(format: prefix) } catch { throw ValidationError("--prefix: \(error.message)") }
      }
      if fromStore && !files.isEmpty { throw ValidationError("--from-store reads the store, not log files") }
      if fromStore && store.disabled { throw ValidationError("--from-store and --no-store contradict each other") }
      if fromStore, let since, PGTuneQueryCommand.History.date(since) == nil {
        throw ValidationError("--since: not a date: \(since)")
      }
    }

    func run() throws {
      if fromStore { return try reportFromStore() }
      var filter = LogFilter()
      filter.since = since
      filter.until = until
      filter.database = database
      filter.user = user
      filter.application = application
      filter.minimumMilliseconds = minDuration
      let reader = LogReader(format: logFormat, filter: filter, prefix: try prefix.map { try LogLinePrefix(format: $0) })
      let inputs = files.isEmpty ? ["-"] : files
      var handles: [FileHandle] = []
      for path in inputs {
        if path == "-" {
          handles.append(.standardInput)
          continue
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
          let opened = FileHandle(forReadingAtPath: path)
        else {
          Terminal.error("\(path): cannot read the log file")
          throw ExitStatus.usage.exitCode
        }
        handles.append(opened)
      }
      let sizes = inputs.map { path in
        path == "-" ? nil : (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
      }
      let total = sizes.contains { $0 == nil } ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) }
      let results = LogFiles.read(handles, with: reader, jobs: jobs ?? ProcessInfoCores.count, totalBytes: total)
      for (path, (_, diagnosis)) in zip(inputs, results) {
        if let failure = diagnosis.readFailure { Terminal.warning("\(path == "-" ? "standard input" : path): \(failure); read up to there") }
      }
      let diagnoses = results.map(\.1)
      let merged = results.map(\.0).reduce(nil as LogReport?) { partial, next in partial.map { LogReportMerge.merge($0, next) } ?? next }
      let report = merged ?? LogReport()
      if report.totalQueries == 0 && report.totalErrors == 0 {
        diagnose(diagnoses)
        throw ExitStatus.noQueries.exitCode
      }
      if let tiers = store.open() {
        ReportStore.record(report, store: tiers)
        store.finish(tiers)
      }
      write(report)
    }

    private func reportFromStore() throws {
      guard let tiers = store.open() else { return }
      defer { store.finish(tiers) }
      let (report, runs) = ReportStore.load(
        from: tiers, since: since.flatMap(PGTuneQueryCommand.History.date),
        until: until.flatMap(PGTuneQueryCommand.History.date))
      guard runs > 0 else {
        Terminal.error("no report runs in the store (\(tiers.tiers.map(\.location).joined(separator: ", "))): run report on logs first")
        throw ExitStatus.noQueries.exitCode
      }
      Terminal.writeError("pgtune-query: merged \(runs) stored report run\(runs == 1 ? "" : "s")")
      write(report)
    }

    private func write(_ report: LogReport) {
      switch format {
      case .text: Terminal.write(LogReportReporter.text(report, top: top))
      case .json: Terminal.write(LogReportReporter.json(report))
      case .markdown: Terminal.write(LogReportReporter.markdown(report, top: top))
      case .html: Terminal.write(LogReportReporter.html(report, top: top))
      }
    }

    /// Never silently empty: say what was assumed and what was seen.
    private func diagnose(_ diagnoses: [LogDiagnosis]) {
      let lines = diagnoses.reduce(0) { $0 + $1.linesRead }
      let formats = Set(diagnoses.map(\.format.rawValue)).sorted().joined(separator: ", ")
      let prefixes = Set(diagnoses.compactMap(\.prefix)).sorted().map { "'\($0)'" }.joined(separator: ", ")
      var text = "no query found in \(lines) lines read (format assumed: \(formats); "
      text += prefixes.isEmpty ? "prefix recognized automatically; " : "prefix \(prefixes); "
      text += "\(diagnoses.reduce(0) { $0 + $1.recognizedMessages }) log messages recognized)"
      let samples = diagnoses.flatMap(\.unrecognizedLines).prefix(3)
      if !samples.isEmpty { text += "; first unrecognized lines:\n" + samples.map { "    " + $0 }.joined(separator: "\n") }
      text += "\n  hints: log_min_duration_statement (or log_statement + log_duration) must be on; log_line_prefix should contain %m or %t and %p or %c; lc_messages must be C/English for text logs; --log-format forces the format"
      Terminal.error(text)
    }
  }
}

/// Reads several logs, in parallel when there are several, each into its own partial report
/// (merged by the caller in input order); a progress bar on a terminal.
enum LogFiles {
  static func read(_ handles: [FileHandle], with reader: LogReader, jobs: Int, totalBytes: Int?) -> [(LogReport, LogDiagnosis)] {
    let bar = ProgressBar("reading")
    let start = Date()
    let bytes = Counter()
    let results = ResultSlots<(LogReport, LogDiagnosis)>(count: handles.count)
    let workers = max(1, min(jobs, handles.count))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for index in stride(from: worker, to: handles.count, by: workers) {
        var previous = 0
        let result = reader.read(handles[index]) { read in
          let all = bytes.add(read - previous)
          previous = read
          bar.update(bytes: all, of: totalBytes, startedAt: start)
        }
        results.set(index, result)
      }
    }
    bar.clear()
    return results.values
  }
}

final class ResultSlots<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Value?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Value) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }

  var values: [Value] { slots.compactMap { $0 } }
}
