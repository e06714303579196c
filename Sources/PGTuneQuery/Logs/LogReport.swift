import Foundation

/// Everything the log says about one normalized query.
public struct QueryAggregate: Sendable {
  public let fingerprint: String
  /// The query with constants replaced by `$n` (or the literal-stripped text if it does not parse).
  public var query: String
  public var calls = 0
  public var totalMilliseconds = 0.0
  public var minMilliseconds = Double.infinity
  public var maxMilliseconds = 0.0
  public var histogram = LatencyHistogram()
  public var errors = 0
  /// The slowest executions, with their text (parameters included).
  public var samples: [(milliseconds: Double, timestamp: String?, text: String)] = []
  /// Whether libpg_query could parse it (false: truncated or not SQL; grouped by text).
  public var parsed = true
  /// auto_explain plans logged for it, checked with the plan rules.
  public var plans = LoggedPlans()
  /// Temporary files it wrote (log_temp_files) and lock waits it suffered (log_lock_waits).
  public var tempFiles = 0
  public var tempBytes: Int64 = 0
  public var lockWaits = 0
  public var lockWaitMilliseconds = 0.0
  /// Calls and time per hour (`2024-05-01 10`), for the query's detail.
  public var hours: [String: Tally] = [:]

  public var meanMilliseconds: Double { calls == 0 ? 0 : totalMilliseconds / Double(calls) }

  /// A percentile from the histogram, kept within the observed minimum and maximum.
  public func percentile(_ fraction: Double) -> Double {
    min(max(histogram.percentile(fraction), minMilliseconds), maxMilliseconds)
  }

  mutating func addTempFile(_ bytes: Int64) {
    tempFiles += 1
    tempBytes += bytes
  }

  /// A `still waiting` message counts a wait; `acquired … after` gives how long it lasted.
  mutating func addLockWait(_ milliseconds: Double, acquired: Bool) {
    if acquired { lockWaitMilliseconds += milliseconds } else { lockWaits += 1 }
  }

  mutating func record(_ milliseconds: Double, timestamp: String?, text: String, parsed: Bool) {
    self.parsed = parsed
    calls += 1
    totalMilliseconds += milliseconds
    minMilliseconds = min(minMilliseconds, milliseconds)
    maxMilliseconds = max(maxMilliseconds, milliseconds)
    histogram.record(milliseconds)
    // `2024-05-01 10`: 13 bytes, a small string (no allocation).
    if let timestamp, timestamp.utf8.count >= 13 {
      hours[String(decoding: timestamp.utf8.prefix(13), as: UTF8.self), default: Tally()].add(Tally(calls: 1, milliseconds: milliseconds))
    }
    if samples.count < LogAggregator.samplesKept || milliseconds > samples[samples.count - 1].milliseconds {
      samples.append((milliseconds, timestamp, text))
      samples.sort { $0.milliseconds > $1.milliseconds }
      if samples.count > LogAggregator.samplesKept { samples.removeLast() }
    }
  }
}

/// Errors by SQLSTATE (or by message when the log has no SQLSTATE).
public struct ErrorAggregate: Sendable {
  public let key: String
  public var message: String
  public var count = 0
  public var statement: String?
}

/// The streaming aggregation of a server log. Memory grows with the number of distinct
/// queries, not with the size of the log.
public struct LogReport: Sendable {
  public var queries: [String: QueryAggregate] = [:]
  public var errors: [String: ErrorAggregate] = [:]
  public var totalQueries = 0
  public var totalErrors = 0
  public var totalMilliseconds = 0.0
  public var first: String?
  public var last: String?
  /// Queries and summed duration per minute (`YYYY-MM-DD HH:MM`).
  public var perMinute: [String: (count: Int, milliseconds: Double)] = [:]
  public var linesRead = 0
  /// Executions and their time per database, user and application (empty key: not logged).
  public var byDatabase: [String: Tally] = [:]
  public var byUser: [String: Tally] = [:]
  public var byApplication: [String: Tally] = [:]
  /// Temporary files and their bytes; lock waits (`still waiting` messages) and the time waited
  /// (from `acquired … after` messages).
  public var tempFiles = 0
  public var tempBytes: Int64 = 0
  public var lockWaits = 0
  public var lockWaitMilliseconds = 0.0
  /// auto_explain plans read, and those that could not be read.
  public var plansRead = 0
  public var unreadablePlans = 0
  /// The queries folded out to keep memory bounded (see `compacted(to:)`): how many distinct
  /// ones, and their executions and time. Zero until a log has more distinct queries than kept.
  public var otherQueries = Tally()
  /// Connections, sessions, checkpoints, autovacuum, query types and events.
  public var activity = ServerActivity()
  public var otherQueryCount = 0

  public init() {}

  /// The report with at most `limit` queries: the heaviest by total time are kept exactly, the
  /// rest folded into `otherQueries`. A heavy-hitter scheme (like Space-Saving, by time): a query
  /// that matters is heavy and stays; one folded early and seen again restarts from its return,
  /// its earlier share counted in "other queries". Totals always count everything.
  public func compacted(to limit: Int) -> LogReport {
    var result = self
    result.compact(to: limit)
    return result
  }

  /// `compacted(to:)` in place: only the (weight, key) pairs are sorted, and the folded entries
  /// are removed from the dictionary itself, so compacting never holds two copies of the report.
  public mutating func compact(to limit: Int) {
    guard queries.count > limit else { return }
    let ranked = queries.map { ($0.value.totalMilliseconds, $0.value.calls, $0.key) }.sorted { $0 > $1 }
    for (_, _, key) in ranked.dropFirst(limit) {
      guard let folded = queries.removeValue(forKey: key) else { continue }
      otherQueries.add(Tally(calls: folded.calls, milliseconds: folded.totalMilliseconds))
      otherQueryCount += 1
    }
  }

}

/// Calls and summed duration of a group of executions.
public struct Tally: Sendable, Equatable, Codable {
  public var calls = 0
  public var milliseconds = 0.0

  public init(calls: Int = 0, milliseconds: Double = 0) {
    self.calls = calls
    self.milliseconds = milliseconds
  }

  mutating func add(_ other: Tally) {
    calls += other.calls
    milliseconds += other.milliseconds
  }
}

/// Filters on the events that count.
public struct LogFilter: Sendable {
  public var since: String?
  public var until: String?
  public var database: String?
  public var user: String?
  public var application: String?
  public var minimumMilliseconds: Double?
  public init() {}

  func admits(_ event: LogEvent) -> Bool {
    if let since, let time = event.timestamp, time < since { return false }
    if let until, let time = event.timestamp, time > until { return false }
    if let database, event.database != database { return false }
    if let user, event.user != user { return false }
    if let application, event.application != application { return false }
    return true
  }
}

/// Turns log events into a `LogReport`.
public struct LogAggregator {
  private var report = LogReport()
  /// The minute being counted (logs are written in time order, so most events fall in the minute
  /// of the one before): added to `report.perMinute` when another minute comes, and at the end.
  private var minute = MinuteCount()
  /// Distinct queries kept exactly (`--max-queries`); beyond it the lightest are folded away in
  /// batches, so memory is bounded by this, not by the log.
  public var maxQueries = 100_000
  private let filter: LogFilter
  /// Fingerprints of the query shapes seen (handed from part to part by `LogParts`).
  var identities = QueryIdentities()
  /// `log_statement` lines waiting for their `log_duration` line, per session.
  private var waiting: [String: String] = [:]
  /// What each session's next `STATEMENT:` line belongs to: a stderr log gives the statement of
  /// an error, a temporary file or a lock wait on a line of its own.
  private var pendingStatement: [String: PendingStatement] = [:]

  enum PendingStatement: Sendable {
    case error(String)
    case tempFile(Int64)
    case lockWait(Double, acquired: Bool)
  }
  static let samplesKept = 3

  /// The rules run on logged plans (the configuration file's settings when there is one).
  let planConfiguration: Configuration

  /// Set when this aggregator reads a part of a log that follows another part (`LogParts`):
  /// a session's first `log_duration` or `STATEMENT` line in the part needs what the session
  /// logged before it, in the earlier part. Such lines are kept in `sessions` for the stitch
  /// instead of being dropped as unpaired.
  var continuesEarlierPart = false
  private(set) var sessions = SessionCarry()

  public init(filter: LogFilter = LogFilter(), configuration: Configuration = Configuration()) {
    self.filter = filter
    planConfiguration = configuration
  }

  /// An aggregator that starts where an earlier part of the log left its sessions (the stitch).
  init(filter: LogFilter, configuration: Configuration, continuing state: SessionState) {
    self.init(filter: filter, configuration: configuration)
    waiting = state.waiting
    pendingStatement = state.pending
  }

  /// What the sessions are waiting for at this point of the log.
  var sessionState: SessionState { SessionState(waiting: waiting, pending: pendingStatement) }

  public mutating func consume(_ event: LogEvent) {
    guard filter.admits(event) else { return }
    switch event.severity {
    case "ERROR", "FATAL", "PANIC":
      _ = report.activity.consume(event)
      record(error: event)
    case "WARNING":
      _ = report.activity.consume(event)
    case "STATEMENT":
      if continuesEarlierPart, sessions.firstPending(of: event) { return }
      switch pendingStatement.removeValue(forKey: event.pid ?? "") {
      case .error(let key):
        if report.errors[key] != nil {
          if report.errors[key]?.statement == nil { report.errors[key]?.statement = event.message }
        } else {
          // The error was counted in the part before a cut (this aggregator stitches the cut): the
          // statement goes to the merge, which gives it to that error if it has none yet. It was
          // lost when a cut fell between an ERROR line and its STATEMENT line.
          report.errors[key] = ErrorAggregate(key: key, message: "", count: 0, statement: event.message)
        }
        attach(errorTo: event.message)
      case .tempFile(let bytes): attach(tempFile: bytes, to: event.message)
      case .lockWait(let milliseconds, let acquired): attach(lockWait: milliseconds, acquired: acquired, to: event.message)
      case nil: break
      }
    case "LOG":
      switch LogMessage.classify(event.message[...]) {
      case .query(let milliseconds, let text): record(query: text, milliseconds: milliseconds, event: event)
      case .statement(let text):
        waiting[event.pid ?? ""] = text
        if continuesEarlierPart { sessions.knownWaiting.insert(event.pid ?? "") }
      case .duration(let milliseconds):
        if continuesEarlierPart, sessions.firstWaiting(of: event) { return }
        if let text = waiting.removeValue(forKey: event.pid ?? "") { record(query: text, milliseconds: milliseconds, event: event) }
      case .plan(let milliseconds, let text): record(plan: text, milliseconds: milliseconds)
      case .tempFile(let bytes):
        report.tempFiles += 1
        report.tempBytes += bytes
        if let statement = event.statement {
          attach(tempFile: bytes, to: statement)
        } else {
          setPending(.tempFile(bytes), for: event)
        }
      case .lockWait(let milliseconds, let acquired):
        if acquired { report.lockWaitMilliseconds += milliseconds } else { report.lockWaits += 1 }
        if let statement = event.statement {
          attach(lockWait: milliseconds, acquired: acquired, to: statement)
        } else {
          setPending(.lockWait(milliseconds, acquired: acquired), for: event)
        }
      case .other: _ = report.activity.consume(event)
      case .protocolStep: break
      }
    default:
      break
    }
  }

  private mutating func setPending(_ statement: PendingStatement, for event: LogEvent) {
    pendingStatement[event.pid ?? ""] = statement
    if continuesEarlierPart { sessions.knownPending.insert(event.pid ?? "") }
  }

  /// A failed execution counts against its query whether or not the query also completed
  /// before (as temporary files and lock waits do): counting only errors of queries already
  /// seen made the figure depend on the order the log was read in.
  private mutating func attach(errorTo statement: String) {
    let identity = identity(of: statement)
    report.queries[identity.fingerprint, default: QueryAggregate(fingerprint: identity.fingerprint, query: identity.query)]
      .errors += 1
  }

  private mutating func attach(tempFile bytes: Int64, to statement: String) {
    let identity = identity(of: statement)
    report.queries[identity.fingerprint, default: QueryAggregate(fingerprint: identity.fingerprint, query: identity.query)]
      .addTempFile(bytes)
  }

  private mutating func attach(lockWait milliseconds: Double, acquired: Bool, to statement: String) {
    let identity = identity(of: statement)
    report.queries[identity.fingerprint, default: QueryAggregate(fingerprint: identity.fingerprint, query: identity.query)]
      .addLockWait(milliseconds, acquired: acquired)
  }

  private mutating func identity(of text: String) -> QueryIdentities.Identity {
    switch identities.lookUp(text) {
    case .known(let identity): return identity
    case .unknown(let shape):
      compactIfNeeded()
      return identities.make(shape, from: text, limit: max(1_024, maxQueries))
    }
  }

  /// Folds the lightest queries away once there are an eighth more than `maxQueries`: amortized,
  /// each fold pays for the `maxQueries / 8` new queries that triggered it.
  private mutating func compactIfNeeded() {
    if report.queries.count > maxQueries + max(1, maxQueries / 8) { report.compact(to: maxQueries) }
  }

  /// The report with at most `maxQueries` queries.
  public mutating func finish() -> LogReport {
    minute.flush(into: &report)
    report.compact(to: maxQueries)
    return report
  }

  /// An auto_explain plan: attached to its query's fingerprint and checked by the plan rules. It
  /// is not an execution of its own (the statement's duration line, when logged, is).
  private mutating func record(plan text: String, milliseconds: Double) {
    if let minimum = filter.minimumMilliseconds, milliseconds < minimum { return }
    guard let (query, plan) = LoggedPlan.read(text) else {
      report.unreadablePlans += 1
      return
    }
    let identity = identity(of: query)
    report.queries[identity.fingerprint, default: QueryAggregate(fingerprint: identity.fingerprint, query: identity.query)]
      .plans.add(plan, milliseconds: milliseconds, configuration: planConfiguration)
    report.plansRead += 1
  }

  private mutating func record(query text: String, milliseconds: Double, event: LogEvent) {
    if let minimum = filter.minimumMilliseconds, milliseconds < minimum { return }
    let identity = identity(of: text)
    // Updated in place: copying an aggregate out and back would copy its histogram every time.
    report.queries[identity.fingerprint, default: QueryAggregate(fingerprint: identity.fingerprint, query: identity.query)]
      .record(milliseconds, timestamp: event.timestamp, text: text, parsed: identity.parsed)
    report.totalQueries += 1
    report.totalMilliseconds += milliseconds
    let one = Tally(calls: 1, milliseconds: milliseconds)
    report.byDatabase[event.database ?? "", default: Tally()].add(one)
    report.byUser[event.user ?? "", default: Tally()].add(one)
    report.byApplication[event.application ?? "", default: Tally()].add(one)
    note(time: event.timestamp, milliseconds: milliseconds)
  }

  private mutating func record(error event: LogEvent) {
    let key = event.sqlState ?? Self.errorClass(event.message)
    var aggregate = report.errors[key] ?? ErrorAggregate(key: key, message: event.message)
    aggregate.count += 1
    if aggregate.statement == nil { aggregate.statement = event.statement }
    report.errors[key] = aggregate
    report.totalErrors += 1
    if event.statement == nil { setPending(.error(key), for: event) }
    if let statement = event.statement { attach(errorTo: statement) }
    note(time: event.timestamp, milliseconds: nil)
  }

  private mutating func note(time: String?, milliseconds: Double?) {
    guard let time else { return }
    if report.first == nil || time < report.first! { report.first = time }
    if report.last == nil || time > report.last! { report.last = time }
    if let milliseconds { minute.add(milliseconds, at: time, flushingInto: &report) }
  }

  /// An error message without its particulars, to group errors when the log has no SQLSTATE:
  /// quoted names and values become `"…"`, numbers `?`, and the `at character N` position goes.
  static func errorClass(_ message: String) -> String {
    var text = message
    if let position = text.range(of: " at character ", options: .backwards) { text = String(text[..<position.lowerBound]) }
    var output = ""
    var inQuotes = false
    for character in literalStripped(text) {
      if character == "\"" {
        if !inQuotes { output += "\"…\"" }
        inQuotes.toggle()
      } else if !inQuotes {
        output.append(character)
      }
    }
    return output
  }
}

/// Calls and time of one minute of the log (`2024-05-01 10:00`, the timestamp's first 16
/// characters), kept aside while the log stays in that minute: looking the minute up in
/// `perMinute` and cutting a String for it at every query was a thirteenth of `report`'s time.
struct MinuteCount {
  private var key = ""
  private var count = 0
  private var milliseconds = 0.0

  mutating func add(_ duration: Double, at time: String, flushingInto report: inout LogReport) {
    if count > 0, isSameMinute(time) {
      count += 1
      milliseconds += duration
      return
    }
    guard time.count >= 16 else { return }
    flush(into: &report)
    key = String(time.prefix(16))
    count = 1
    milliseconds = duration
  }

  /// The key is 16 bytes (16 ASCII characters) equal to the time's first 16, and the time's 17th
  /// byte, if any, is ASCII: then the 16th character ends where the 16th byte does, as
  /// `prefix(16)` reads it.
  private func isSameMinute(_ time: String) -> Bool {
    var key = key
    var time = time
    return key.withUTF8 { minute in
      minute.count == 16
        && time.withUTF8 { bytes in
          bytes.count >= 16 && (bytes.count == 16 || bytes[16] < 0x80) && memcmp(minute.baseAddress!, bytes.baseAddress!, 16) == 0
        }
    }
  }

  mutating func flush(into report: inout LogReport) {
    guard count > 0 else { return }
    let previous = report.perMinute[key] ?? (0, 0)
    report.perMinute[key] = (previous.count + count, previous.milliseconds + milliseconds)
    count = 0
    milliseconds = 0
  }
}
