import Foundation
import PGTuneQuery

/// The outputs of `report`: text tables, versioned JSON, Markdown and a self-contained HTML page.
public enum LogReportReporter {
  /// Executed queries (not those known only from a logged plan), by `key`, largest first.
  static func sorted(_ report: LogReport, by key: (QueryAggregate) -> Double, top: Int) -> [QueryAggregate] {
    Array(
      report.queries.values.filter { $0.calls > 0 }.sorted { (key($0), $1.fingerprint) > (key($1), $0.fingerprint) }
        .prefix(top))
  }

  /// Queries with logged plans, by the time those plans took.
  static func withPlans(_ report: LogReport, top: Int) -> [QueryAggregate] {
    Array(
      report.queries.values.filter { $0.plans.count > 0 }
        .sorted { ($0.plans.totalMilliseconds, $1.fingerprint) > ($1.plans.totalMilliseconds, $0.fingerprint) }.prefix(top))
  }

  /// The groups of a breakdown, largest total first; the empty name reads "(not logged)".
  static func groups(_ tallies: [String: Tally], top: Int) -> [(name: String, tally: Tally)] {
    Array(
      tallies.sorted { ($0.value.milliseconds, $1.key) > ($1.value.milliseconds, $0.key) }.prefix(top)
        .map { ($0.key.isEmpty ? "(not logged)" : $0.key, $0.value) })
  }

  /// A SQLSTATE as is; an error grouped by its message shows no code.
  static func errorCode(_ key: String) -> String {
    key.count == 5 && key.allSatisfy { $0.isNumber || $0.isUppercase } ? key : "-"
  }

  /// "seq scans on orders: 4.00 h" lines for a query's logged plans, largest first.
  static func seqScanSummary(_ plans: LoggedPlans) -> [String] {
    plans.seqScanMilliseconds.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { table, milliseconds in
      "seq scans on \(table): \(duration(milliseconds))\(plans.seqScanTimesMeasured ? "" : " (estimated from cost share)")"
    }
  }

  /// Milliseconds in the largest unit that reads well (ms, s, min, h).
  static func duration(_ milliseconds: Double) -> String {
    switch milliseconds {
    case 3_600_000...: String(format: "%.2f h", milliseconds / 3_600_000)
    case 60_000...: String(format: "%.1f min", milliseconds / 60_000)
    default: ms(milliseconds)
    }
  }

  static func ms(_ value: Double) -> String { value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.2f ms", value) }

  static func oneLine(_ text: String, width: Int) -> String {
    let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    return flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat
  }

  // MARK: text

  public static func text(_ report: LogReport, top: Int) -> String {
    var output = "\(report.totalQueries) queries (\(report.queries.count) normalized), \(report.totalErrors) errors, "
    output += "total \(ms(report.totalMilliseconds))"
    if let first = report.first, let last = report.last { output += ", \(first) – \(last)" }
    output += "\n"
    if report.otherQueryCount > 0 {
      output += "  other queries (the \(report.otherQueryCount) lightest, folded to bound memory): \(report.otherQueries.calls) calls, \(ms(report.otherQueries.milliseconds))\n"
    }
    for (title, key) in [
      ("Most time-consuming", { (q: QueryAggregate) in q.totalMilliseconds }), ("Slowest (max)", { $0.maxMilliseconds }),
      ("Most frequent", { Double($0.calls) }),
    ] {
      output += "\n\(title)\n"
      output += "  \("calls".padding(toLength: 8, withPad: " ", startingAt: 0))  \("total".padding(toLength: 11, withPad: " ", startingAt: 0))  \("mean".padding(toLength: 10, withPad: " ", startingAt: 0))  \("p95".padding(toLength: 10, withPad: " ", startingAt: 0))  query\n"
      for query in sorted(report, by: key, top: top) {
        output += "  " + String(query.calls).padding(toLength: 8, withPad: " ", startingAt: 0)
        output += "  " + ms(query.totalMilliseconds).padding(toLength: 11, withPad: " ", startingAt: 0)
        output += "  " + ms(query.meanMilliseconds).padding(toLength: 10, withPad: " ", startingAt: 0)
        output += "  " + ms(query.percentile(0.95)).padding(toLength: 10, withPad: " ", startingAt: 0)
        output += "  " + oneLine(query.query, width: 90) + "\n"
      }
    }
    if !report.errors.isEmpty {
      output += "\nErrors\n"
      for error in report.errors.values.sorted(by: { ($0.count, $1.key) > ($1.count, $0.key) }).prefix(top) {
        output += "  \(String(error.count).padding(toLength: 8, withPad: " ", startingAt: 0))  \(errorCode(error.key).padding(toLength: 6, withPad: " ", startingAt: 0))  \(oneLine(error.message, width: 100))\n"
      }
    }
    let spilling = Array(
      report.queries.values.filter { $0.tempFiles > 0 }.sorted { ($0.tempBytes, $1.fingerprint) > ($1.tempBytes, $0.fingerprint) }
        .prefix(top))
    if !spilling.isEmpty {
      output += "\nTemporary files (\(report.tempFiles) files, \(ByteCount.format(report.tempBytes)))\n"
      for query in spilling {
        output += "  \(String(query.tempFiles).padding(toLength: 8, withPad: " ", startingAt: 0))  \(ByteCount.format(query.tempBytes).padding(toLength: 11, withPad: " ", startingAt: 0))  \(oneLine(query.query, width: 90))\n"
      }
    }
    let waiting = Array(
      report.queries.values.filter { $0.lockWaits > 0 || $0.lockWaitMilliseconds > 0 }
        .sorted { ($0.lockWaitMilliseconds, $0.lockWaits, $1.fingerprint) > ($1.lockWaitMilliseconds, $1.lockWaits, $0.fingerprint) }
        .prefix(top))
    if !waiting.isEmpty {
      output += "\nLock waits (\(report.lockWaits) waits, \(duration(report.lockWaitMilliseconds)) waited)\n"
      for query in waiting {
        output += "  \(String(query.lockWaits).padding(toLength: 8, withPad: " ", startingAt: 0))  \(duration(query.lockWaitMilliseconds).padding(toLength: 11, withPad: " ", startingAt: 0))  \(oneLine(query.query, width: 90))\n"
      }
    }
    let planned = withPlans(report, top: top)
    if !planned.isEmpty {
      output += "\nPlans from the log (auto_explain: \(report.plansRead) plans)\n"
      for query in planned {
        output += "  \(query.plans.count) plans, \(duration(query.plans.totalMilliseconds))  \(oneLine(query.query, width: 90))\n"
        for line in seqScanSummary(query.plans) { output += "      \(line)\n" }
        for (rule, tally) in query.plans.findings.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
          output += "      \(tally.severity.rawValue) \(rule) ×\(tally.count): \(oneLine(tally.message, width: 100))\n"
        }
      }
    }
    for (title, tallies) in [("database", report.byDatabase), ("user", report.byUser), ("application", report.byApplication)]
    where tallies.count > 1 || (tallies.count == 1 && tallies.keys.first != "") {
      output += "\nBy \(title)\n"
      for (name, tally) in groups(tallies, top: top) {
        output += "  \(String(tally.calls).padding(toLength: 8, withPad: " ", startingAt: 0))  \(ms(tally.milliseconds).padding(toLength: 11, withPad: " ", startingAt: 0))  \(name)\n"
      }
    }
    output += ServerActivityReporter.text(report, top: top)
    return output
  }

  // MARK: JSON

  /// `{"schema_version":1,"totals":{"queries","errors","total_duration_ms","first","last","plans",
  ///   "temp_files","temp_bytes","lock_waits","lock_wait_ms",
///   "other_queries":{"distinct","calls","total_duration_ms"}},
  ///   "queries":[{"fingerprint","query","calls","total_ms","mean_ms","min_ms","max_ms","p50_ms",
  ///   "p95_ms","p99_ms","errors","parsed","samples":[{"duration_ms","timestamp","query"}]
  ///   [,"plans":{"count","total_ms","seq_scan_ms":{table:ms},"seq_scan_measured",
  ///   "findings":[{"rule","severity","count","message"}]}][,"temp_files":{"count","bytes"}]
  ///   [,"lock_waits":{"count","wait_ms"}]}],
  ///   "errors":[{"sqlstate_or_message","message","count","statement"}],
  ///   "per_minute":[{"minute","queries","total_ms"}],
  ///   "by_database"|"by_user"|"by_application":[{"name","calls","total_ms"}],
  ///   "query_types","per_hour","server":{…} (see `ServerActivityReporter.writeJSON`)}`, queries by total
  ///   time (queries seen only in a logged plan have 0 calls).
  public static func json(_ report: LogReport) -> String {
    var json = JSONWriter()
    json.beginObject()
    json.field("schema_version", 1)
    json.key("totals")
    json.beginObject()
    json.field("queries", report.totalQueries)
    json.field("errors", report.totalErrors)
    json.field("total_duration_ms", rounded(report.totalMilliseconds))
    json.field("first", report.first)
    json.field("last", report.last)
    json.field("plans", report.plansRead)
    json.field("temp_files", report.tempFiles)
    json.field("temp_bytes", Int(report.tempBytes))
    json.field("lock_waits", report.lockWaits)
    json.field("lock_wait_ms", rounded(report.lockWaitMilliseconds))
    json.key("other_queries")
    json.beginObject()
    json.field("distinct", report.otherQueryCount)
    json.field("calls", report.otherQueries.calls)
    json.field("total_duration_ms", rounded(report.otherQueries.milliseconds))
    json.endObject()
    json.endObject()
    json.key("queries")
    json.beginArray()
    let all = report.queries.values.sorted {
      ($0.totalMilliseconds, $0.plans.totalMilliseconds, $1.fingerprint) > ($1.totalMilliseconds, $1.plans.totalMilliseconds, $0.fingerprint)
    }
    for query in all {
      json.beginObject()
      json.field("fingerprint", query.fingerprint)
      json.field("query", query.query)
      json.field("calls", query.calls)
      for (key, value) in [
        ("total_ms", query.totalMilliseconds), ("mean_ms", query.meanMilliseconds), ("min_ms", query.minMilliseconds),
        ("max_ms", query.maxMilliseconds), ("p50_ms", query.percentile(0.5)),
        ("p95_ms", query.percentile(0.95)), ("p99_ms", query.percentile(0.99)),
      ] {
        json.field(key, rounded(value))
      }
      json.field("errors", query.errors)
      json.field("parsed", query.parsed)
      json.key("samples")
      json.beginArray()
      for sample in query.samples {
        json.beginObject()
        json.field("duration_ms", rounded(sample.milliseconds))
        json.field("timestamp", sample.timestamp)
        json.field("query", sample.text)
        json.endObject()
      }
      json.endArray()
      if query.plans.count > 0 { writePlans(query.plans, to: &json) }
      if query.tempFiles > 0 {
        json.key("temp_files")
        json.beginObject()
        json.field("count", query.tempFiles)
        json.field("bytes", Int(query.tempBytes))
        json.endObject()
      }
      if query.lockWaits > 0 || query.lockWaitMilliseconds > 0 {
        json.key("lock_waits")
        json.beginObject()
        json.field("count", query.lockWaits)
        json.field("wait_ms", rounded(query.lockWaitMilliseconds))
        json.endObject()
      }
      json.endObject()
    }
    json.endArray()
    json.key("errors")
    json.beginArray()
    for error in report.errors.values.sorted(by: { ($0.count, $1.key) > ($1.count, $0.key) }) {
      json.beginObject()
      json.field("sqlstate_or_message", error.key)
      json.field("message", error.message)
      json.field("count", error.count)
      json.field("statement", error.statement)
      json.endObject()
    }
    json.endArray()
    json.key("per_minute")
    json.beginArray()
    for minute in report.perMinute.keys.sorted() {
      let value = report.perMinute[minute] ?? (0, 0)
      json.beginObject()
      json.field("minute", minute)
      json.field("queries", value.count)
      json.field("total_ms", rounded(value.milliseconds))
      json.endObject()
    }
    json.endArray()
    for (key, tallies) in [("by_database", report.byDatabase), ("by_user", report.byUser), ("by_application", report.byApplication)] {
      json.key(key)
      json.beginArray()
      for (name, tally) in tallies.sorted(by: { ($0.value.milliseconds, $1.key) > ($1.value.milliseconds, $0.key) }) {
        json.beginObject()
        json.field("name", name.isEmpty ? nil : name)
        json.field("calls", tally.calls)
        json.field("total_ms", rounded(tally.milliseconds))
        json.endObject()
      }
      json.endArray()
    }
    ServerActivityReporter.writeJSON(report, to: &json)
    json.endObject()
    json.endDocument()
    return json.string
  }

  static func writePlans(_ plans: LoggedPlans, to json: inout JSONWriter) {
    json.key("plans")
    json.beginObject()
    json.field("count", plans.count)
    json.field("total_ms", rounded(plans.totalMilliseconds))
    json.key("seq_scan_ms")
    json.beginObject()
    for (table, milliseconds) in plans.seqScanMilliseconds.sorted(by: { $0.key < $1.key }) {
      json.field(table, rounded(milliseconds))
    }
    json.endObject()
    json.field("seq_scan_measured", plans.seqScanTimesMeasured)
    json.key("findings")
    json.beginArray()
    for (rule, tally) in plans.findings.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
      json.beginObject()
      json.field("rule", rule)
      json.field("severity", tally.severity.rawValue)
      json.field("count", tally.count)
      json.field("message", tally.message)
      json.endObject()
    }
    json.endArray()
    json.endObject()
  }

  static func rounded(_ value: Double) -> Double { value.isFinite ? (value * 1000).rounded() / 1000 : 0 }

}

extension LogReportReporter {
  static let formats: [OutputFormat<LogReportOutput>] = [
    OutputFormat(name: "text", summary: "text tables") { text($0.report, top: $0.top) },
    OutputFormat(name: "json", summary: "the versioned JSON contract") { json($0.report) },
    OutputFormat(name: "markdown", summary: "Markdown tables") { markdown($0.report, top: $0.top) },
    OutputFormat(name: "html", summary: "a self-contained HTML page") { html($0.report, top: $0.top) },
  ]
}
