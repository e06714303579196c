import Foundation

/// What `report` is asked to do.
public struct ReportRequest: Sendable {
  /// Log files; `-` is standard input (the default when none is given).
  public var inputs: [String]
  public var reader: LogReader
  /// Files read at the same time.
  public var jobs = ProcessInfoCores.count
  /// Report on the runs recorded in the store instead of reading logs.
  public var fromStore = false
  public var since: Date?
  public var until: Date?
  /// Where report runs are recorded (and read with `fromStore`); nil: nowhere.
  public var store: TieredStore?
  /// Read files the store says were recorded already (`--reread`); otherwise each file is read
  /// once (`InputLedger`): a recorded one is skipped, a grown one read from where it stopped.
  public var reread = false
  /// Bytes read so far of the total (nil when a pipe is read), from reader threads.
  public var progress: (@Sendable (_ bytes: Int, _ total: Int?) -> Void)?

  public init(inputs: [String], reader: LogReader) {
    self.inputs = inputs
    self.reader = reader
  }
}

/// What `report` produced.
public struct ReportOutcome: Sendable {
  public var report: LogReport?
  public var diagnostics: [Diagnostic] = []
  public var status: CommandStatus = .success
}

/// `report`: read logs (in parallel when there are several) into one report, or merge stored runs.
public enum ReportCommand {
  public static func run(_ request: ReportRequest) -> ReportOutcome {
    request.fromStore ? fromStore(request) : fromLogs(request)
  }

  /// The logs to read now: each opened (positioned where the last run stopped for a grown one),
  /// with its size still to read and its read-once key; recorded ones are left out with a note.
  private struct OpenedInputs {
    var paths: [String] = []
    var handles: [FileHandle] = []
    var sizes: [Int?] = []
    var ledgerKeys: [String?] = []
    /// Inflated bytes a gzip log recorded up to there passes over (0 for the others).
    var skips: [Int] = []
    /// `--reread` of a log the store holds already: the run is not recorded again.
    var rereadRecorded = false

    mutating func add(_ path: String, _ handle: FileHandle, size: Int?, key: String?, skipping: Int = 0) {
      paths.append(path)
      handles.append(handle)
      sizes.append(size)
      ledgerKeys.append(key)
      skips.append(skipping)
    }
  }

  private static func open(_ request: ReportRequest, _ outcome: inout ReportOutcome) -> OpenedInputs? {
    var opened = OpenedInputs()
    for path in request.inputs.isEmpty ? ["-"] : request.inputs {
      if path == "-" {
        opened.add(path, .standardInput, size: nil, key: nil)
        continue
      }
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
        let handle = FileHandle(forReadingAtPath: path)
      else {
        outcome.diagnostics.append(Diagnostic(.error, "\(path): cannot read the log file"))
        outcome.status = .usage
        return nil
      }
      let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
      guard let store = request.store else {
        opened.add(path, handle, size: size, key: nil)
        continue
      }
      let (decision, key) = InputLedger.decide(path: path, store: store)
      if request.reread && decision != .readAll { opened.rereadRecorded = true }
      switch request.reread ? .readAll : decision {
      case .readAll:
        opened.add(path, handle, size: size, key: key)
      case .skip(let recordedAt):
        outcome.diagnostics.append(
          Diagnostic(.note, "\(path): already recorded in the store (\(ISO8601DateFormatter().string(from: recordedAt))): skipped; --reread reads it again"))
        try? handle.close()
      case .readFrom(let offset):
        outcome.diagnostics.append(Diagnostic(.note, "\(path): recorded up to byte \(offset) before: reading what was added since"))
        if InputLedger.isGzip(handle) {
          // Offsets of a gzip log count inflated bytes: passed over as they are inflated.
          _ = try? handle.seek(toOffset: 0)
          opened.add(path, handle, size: size, key: key, skipping: offset)
        } else {
          _ = try? handle.seek(toOffset: UInt64(offset))
          opened.add(path, handle, size: size.map { $0 - offset }, key: key)
        }
      }
    }
    return opened
  }

  private static func fromLogs(_ request: ReportRequest) -> ReportOutcome {
    var outcome = ReportOutcome()
    guard let opened = open(request, &outcome) else { return outcome }
    let (inputs, handles, sizes, ledgerKeys) = (opened.paths, opened.handles, opened.sizes, opened.ledgerKeys)
    guard !handles.isEmpty else {
      outcome.diagnostics.append(
        Diagnostic(.note, "nothing new to read: every log was recorded already (report --from-store shows all that is recorded)"))
      return outcome
    }
    let total = sizes.contains { $0 == nil } ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) }
    let results = LogFiles.read(
      handles, with: request.reader, jobs: request.jobs, totalBytes: total, skips: opened.skips, progress: request.progress)
    for (path, (_, diagnosis)) in zip(inputs, results) {
      let name = path == "-" ? "standard input" : path
      if let failure = diagnosis.readFailure { outcome.diagnostics.append(Diagnostic(.warning, "\(name): \(failure); read up to there")) }
      if diagnosis.truncatedLines > 0 {
        outcome.diagnostics.append(
          Diagnostic(.warning, "\(name): \(diagnosis.truncatedLines) line(s) longer than \(request.reader.maxLineBytes >> 20) MiB cut there (still counted)"))
      }
    }
    let merged = results.map(\.0).reduce(nil as LogReport?) { partial, next in
      partial.map { LogReportMerge.merge($0, next).compacted(to: request.reader.maxQueries) } ?? next
    }
    let report = merged ?? LogReport()
    if report.otherQueryCount > 0 {
      outcome.diagnostics.append(
        Diagnostic(
          .note,
          "\(report.otherQueryCount) lighter distinct queries were folded into \"other queries\" (--max-queries \(request.reader.maxQueries) keeps the heaviest exactly)"))
    }
    if report.totalQueries == 0 && report.totalErrors == 0 {
      outcome.diagnostics.append(Diagnostic(.error, LogDiagnosis.explainEmpty(results.map(\.1))))
      outcome.status = .noQueries
      return outcome
    }
    if opened.rereadRecorded {
      // Recording a second copy is what read-once prevents: the store keeps the first.
      outcome.diagnostics.append(Diagnostic(.note, "--reread: this run is not recorded in the store, which holds these logs already"))
    } else if let store = request.store {
      ReportStore.record(report, store: store)
      for (index, path) in inputs.enumerated() {
        guard let key = ledgerKeys[index], let reached = try? handles[index].offset() else { continue }
        // A gzip log is remembered by the size it inflates to (measured by the ledger).
        let compressed = InputLedger.isGzip(handles[index])
        InputLedger.remember(path: path, key: key, offset: compressed ? nil : Int(reached), store: store)
      }
    }
    outcome.report = report
    return outcome
  }

  private static func fromStore(_ request: ReportRequest) -> ReportOutcome {
    var outcome = ReportOutcome()
    guard let store = request.store else { return outcome }
    let (report, runs) = ReportStore.load(from: store, since: request.since, until: request.until)
    guard runs > 0 else {
      outcome.diagnostics.append(
        Diagnostic(.error, "no report runs in the store (\(store.tiers.map(\.location).joined(separator: ", "))): run report on logs first"))
      outcome.status = .noQueries
      return outcome
    }
    outcome.diagnostics.append(Diagnostic(.note, "merged \(runs) stored report run\(runs == 1 ? "" : "s")"))
    outcome.report = report
    return outcome
  }
}

extension LogDiagnosis {
  /// Never silently empty: what was assumed and what was seen, with the usual causes.
  static func explainEmpty(_ diagnoses: [LogDiagnosis]) -> String {
    let lines = diagnoses.reduce(0) { $0 + $1.linesRead }
    let formats = Set(diagnoses.map(\.format.rawValue)).sorted().joined(separator: ", ")
    let prefixes = Set(diagnoses.compactMap(\.prefix)).sorted().map { "'\($0)'" }.joined(separator: ", ")
    var text = "no query found in \(lines) lines read (format assumed: \(formats); "
    text += prefixes.isEmpty ? "prefix recognized automatically; " : "prefix \(prefixes); "
    text += "\(diagnoses.reduce(0) { $0 + $1.recognizedMessages }) log messages recognized)"
    let samples = diagnoses.flatMap(\.unrecognizedLines).prefix(3)
    if !samples.isEmpty { text += "; first unrecognized lines:\n" + samples.map { "    " + $0 }.joined(separator: "\n") }
    text += "\n  hints: log_min_duration_statement (or log_statement + log_duration) must be on; log_line_prefix should contain %m or %t and %p or %c; lc_messages must be C/English for text logs; --log-format forces the format"
    return text
  }
}

/// Reads several logs, in parallel when there are several, each into its own partial report
/// (merged by the caller in input order); cores left over read each large file in parts.
enum LogFiles {
  static func read(
    _ handles: [FileHandle], with reader: LogReader, jobs: Int, totalBytes: Int?, skips: [Int]? = nil,
    progress: (@Sendable (Int, Int?) -> Void)?, minimumPartBytes: Int = LogParts.defaultMinimumPartBytes
  ) -> [(LogReport, LogDiagnosis)] {
    let bytes = Counter()
    let results = ResultSlots<(LogReport, LogDiagnosis)>(count: handles.count)
    let workers = max(1, min(jobs, handles.count))
    let partsPerFile = max(1, jobs / max(1, handles.count))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for index in stride(from: worker, to: handles.count, by: workers) {
        let result = LogParts.read(
          handles[index], with: reader, parts: partsPerFile, minimumPartBytes: minimumPartBytes,
          skippingInflated: skips?[index] ?? 0
        ) { read in
          progress?(bytes.add(read), totalBytes)
        }
        results.set(index, result)
      }
    }
    return results.values
  }
}
