import Foundation

/// `report` runs kept in the store: each run's aggregates under `report:<time>:<run>`, merged
/// back by `report --from-store` and read by `warm`. Several machines writing their logs'
/// aggregates to one shared tier make one fleet report. Each run also appends per-query
/// history (calls, mean, p95, p99).
public enum ReportStore {
  public static let ttl = 180 * 24 * 3600

  public static func record(_ report: LogReport, store: TieredStore, now: Date = Date()) {
    let time = Int64(now.timeIntervalSince1970 * 1_000)
    guard let data = try? JSONEncoder().encode(StoredReport(report, recordedAt: time)) else { return }
    let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    store.set(StoreKey(StoreNamespace.report.rawValue, "\(String(format: "%015lld", time)):\(run)"), Array(data), ttl: ttl)
    MetricsHistory.append(
      report.queries.values.filter(\.parsed).map { query in
        HistoryEntry(
          time: time, source: "report", fingerprint: query.fingerprint, query: MetricsHistory.shortened(query.query),
          calls: query.calls, totalMs: query.totalMilliseconds, meanMs: query.meanMilliseconds,
          p95Ms: query.percentile(0.95), p99Ms: query.percentile(0.99))
      }, store: store)
  }

  /// The merge of every stored run recorded at or after `since`, and how many runs that was.
  public static func load(from store: TieredStore, since: Date? = nil, until: Date? = nil) -> (report: LogReport, runs: Int) {
    let cutoff = since.map { Int64($0.timeIntervalSince1970 * 1_000) } ?? 0
    let end = until.map { Int64($0.timeIntervalSince1970 * 1_000) } ?? .max
    var merged = LogReport()
    var runs = 0
    let decoder = JSONDecoder()
    for (_, payload) in store.scan(.report) {
      guard let stored = try? decoder.decode(StoredReport.self, from: Data(payload)), stored.recordedAt >= cutoff,
        stored.recordedAt <= end
      else { continue }
      merged = LogReportMerge.merge(merged, stored.report)
      runs += 1
    }
    return (merged, runs)
  }
}

/// The storable form of a `LogReport` (histograms as bucket/count pairs).
struct StoredReport: Codable {
  struct Query: Codable {
    var fingerprint: String
    var query: String
    var calls: Int
    var totalMs: Double
    var minMs: Double
    var maxMs: Double
    var histogram: [[Int]]
    var errors: Int
    var parsed: Bool
    var samples: [Sample]
    var plans: LoggedPlans?
    /// temp files, temp bytes, lock waits, lock wait ms.
    var waits: [Double]?
    var hours: [String: Tally]?
  }

  struct Sample: Codable {
    var ms: Double
    var timestamp: String?
    var text: String
  }

  struct StoredError: Codable {
    var key: String
    var message: String
    var count: Int
    var statement: String?
  }

  var recordedAt: Int64
  var queries: [Query]
  var errors: [StoredError]
  var totalQueries: Int
  var totalErrors: Int
  var totalMs: Double
  var first: String?
  var last: String?
  var perMinute: [String: [Double]]
  var linesRead: Int
  var byDatabase: [String: [Double]]?
  var byUser: [String: [Double]]?
  var byApplication: [String: [Double]]?
  var plansRead: Int?
  var waits: [Double]?
  /// Absent in runs stored before the server's story was read.
  var activity: ServerActivity?

  init(_ report: LogReport, recordedAt: Int64) {
    self.recordedAt = recordedAt
    queries = report.queries.values.map { query in
      Query(
        fingerprint: query.fingerprint, query: query.query, calls: query.calls, totalMs: query.totalMilliseconds,
        minMs: query.minMilliseconds.isFinite ? query.minMilliseconds : 0, maxMs: query.maxMilliseconds,
        histogram: query.histogram.counts.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }, errors: query.errors,
        parsed: query.parsed, samples: query.samples.map { Sample(ms: $0.milliseconds, timestamp: $0.timestamp, text: $0.text) },
        plans: query.plans.count == 0 ? nil : query.plans,
        waits: [Double(query.tempFiles), Double(query.tempBytes), Double(query.lockWaits), query.lockWaitMilliseconds],
        hours: query.hours.isEmpty ? nil : query.hours)
    }
    errors = report.errors.values.map {
      StoredError(key: $0.key, message: $0.message, count: $0.count, statement: $0.statement)
    }
    totalQueries = report.totalQueries
    totalErrors = report.totalErrors
    totalMs = report.totalMilliseconds
    first = report.first
    last = report.last
    perMinute = report.perMinute.mapValues { [Double($0.count), $0.milliseconds] }
    linesRead = report.linesRead
    byDatabase = report.byDatabase.mapValues { [Double($0.calls), $0.milliseconds] }
    byUser = report.byUser.mapValues { [Double($0.calls), $0.milliseconds] }
    byApplication = report.byApplication.mapValues { [Double($0.calls), $0.milliseconds] }
    plansRead = report.plansRead
    activity = report.activity.isEmpty ? nil : report.activity
    waits = [Double(report.tempFiles), Double(report.tempBytes), Double(report.lockWaits), report.lockWaitMilliseconds]
  }

  private static func tallies(_ stored: [String: [Double]]?) -> [String: Tally] {
    (stored ?? [:]).mapValues { Tally(calls: Int($0.first ?? 0), milliseconds: $0.count > 1 ? $0[1] : 0) }
  }

  var report: LogReport {
    var report = LogReport()
    for stored in queries {
      var query = QueryAggregate(fingerprint: stored.fingerprint, query: stored.query)
      query.calls = stored.calls
      query.totalMilliseconds = stored.totalMs
      query.minMilliseconds = stored.calls == 0 ? .infinity : stored.minMs
      query.maxMilliseconds = stored.maxMs
      for pair in stored.histogram where pair.count == 2 {
        query.histogram.counts[pair[0]] = pair[1]
        query.histogram.total += pair[1]
      }
      query.errors = stored.errors
      query.parsed = stored.parsed
      if let plans = stored.plans { query.plans = plans }
      query.hours = stored.hours ?? [:]
      if let waits = stored.waits, waits.count == 4 {
        query.tempFiles = Int(exactly: waits[0].rounded()) ?? 0
        query.tempBytes = Int64(exactly: waits[1].rounded()) ?? 0
        query.lockWaits = Int(exactly: waits[2].rounded()) ?? 0
        query.lockWaitMilliseconds = waits[3]
      }
      query.samples = stored.samples.map { ($0.ms, $0.timestamp, $0.text) }
      report.queries[stored.fingerprint] = query
    }
    for stored in errors {
      var error = ErrorAggregate(key: stored.key, message: stored.message)
      error.count = stored.count
      error.statement = stored.statement
      report.errors[stored.key] = error
    }
    report.totalQueries = totalQueries
    report.totalErrors = totalErrors
    report.totalMilliseconds = totalMs
    report.first = first
    report.last = last
    report.perMinute = perMinute.mapValues { (Int($0.first ?? 0), $0.count > 1 ? $0[1] : 0) }
    report.linesRead = linesRead
    report.byDatabase = Self.tallies(byDatabase)
    report.byUser = Self.tallies(byUser)
    report.byApplication = Self.tallies(byApplication)
    report.plansRead = plansRead ?? 0
    report.activity = activity ?? ServerActivity()
    if let waits, waits.count == 4 {
      report.tempFiles = Int(exactly: waits[0].rounded()) ?? 0
      report.tempBytes = Int64(exactly: waits[1].rounded()) ?? 0
      report.lockWaits = Int(exactly: waits[2].rounded()) ?? 0
      report.lockWaitMilliseconds = waits[3]
    }
    return report
  }
}
