import Foundation
import PGTuneQuery

/// The outputs of `report`: text tables, versioned JSON, Markdown and a self-contained HTML page.
public enum LogReportReporter {
  static func sorted(_ report: LogReport, by key: (QueryAggregate) -> Double, top: Int) -> [QueryAggregate] {
    Array(report.queries.values.sorted { (key($0), $1.fingerprint) > (key($1), $0.fingerprint) }.prefix(top))
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
        output += "  \(String(error.count).padding(toLength: 8, withPad: " ", startingAt: 0))  \(error.key.padding(toLength: 6, withPad: " ", startingAt: 0))  \(oneLine(error.message, width: 100))\n"
      }
    }
    return output
  }

  // MARK: JSON

  /// `{"schema_version":1,"totals":{"queries","errors","total_duration_ms","first","last"},
  ///   "queries":[{"fingerprint","query","calls","total_ms","mean_ms","min_ms","max_ms","p50_ms",
  ///   "p95_ms","p99_ms","errors","parsed","samples":[{"duration_ms","timestamp","query"}]}],
  ///   "errors":[{"sqlstate_or_message","message","count","statement"}]}`, queries by total time.
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
    json.endObject()
    json.key("queries")
    json.beginArray()
    for query in sorted(report, by: \.totalMilliseconds, top: .max) {
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
    json.endObject()
    return json.string + "\n"
  }

  static func rounded(_ value: Double) -> Double { value.isFinite ? (value * 1000).rounded() / 1000 : 0 }

  // MARK: Markdown

  public static func markdown(_ report: LogReport, top: Int) -> String {
    var text = "## PostgreSQL log report\n\n"
    text += "\(report.totalQueries) queries (\(report.queries.count) normalized), \(report.totalErrors) errors, total \(ms(report.totalMilliseconds)).\n\n"
    text += "| calls | total | mean | p95 | max | query |\n| ---: | ---: | ---: | ---: | ---: | --- |\n"
    for query in sorted(report, by: \.totalMilliseconds, top: top) {
      let cell = oneLine(query.query, width: 120).replacingOccurrences(of: "|", with: "\\|")
      text += "| \(query.calls) | \(ms(query.totalMilliseconds)) | \(ms(query.meanMilliseconds)) | \(ms(query.percentile(0.95))) | \(ms(query.maxMilliseconds)) | `\(cell)` |\n"
    }
    return text
  }

  // MARK: HTML

  /// One self-contained page: inline CSS and SVG charts (queries and time per minute, latency
  /// distribution, top queries by total time), no scripts, nothing fetched.
  public static func html(_ report: LogReport, top: Int) -> String {
    let minutes = report.perMinute.keys.sorted()
    let counts = minutes.map { Double(report.perMinute[$0]?.count ?? 0) }
    let durations = minutes.map { report.perMinute[$0]?.milliseconds ?? 0 }
    let topQueries = sorted(report, by: \.totalMilliseconds, top: top)
    var page = """
      <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>pgtune-query log report</title>
      <style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}svg{background:#fafafa;border:1px solid #ddd}
      table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}td.q{text-align:left;font-family:monospace}
      .bar{fill:#3b7dd8}.bar2{fill:#d8893b}</style></head><body>
      <h1>PostgreSQL log report</h1>
      <p id="totals">\(report.totalQueries) queries (\(report.queries.count) normalized), \(report.totalErrors) errors, total \(escape(ms(report.totalMilliseconds)))\(report.first.map { ", " + escape($0) } ?? "") – \(report.last.map(escape) ?? "")</p>
      <h2>Queries per minute</h2>
      """
    page += barChart(id: "queries-per-minute", values: counts, labels: minutes, cssClass: "bar")
    page += "<h2>Query time per minute (ms)</h2>"
    page += barChart(id: "duration-per-minute", values: durations, labels: minutes, cssClass: "bar2")
    page += "<h2>Latency distribution (all queries)</h2>"
    var combined = LatencyHistogram()
    for query in report.queries.values { combined.merge(query.histogram) }
    let points = [0.5, 0.75, 0.9, 0.95, 0.99, 0.999]
    page += barChart(
      id: "latency-histogram", values: points.map { combined.percentile($0) }, labels: points.map { "p\(($0 * 100).formatted())" },
      cssClass: "bar")
    page += "<h2>Top \(topQueries.count) queries by total time</h2>"
    page += barChart(
      id: "top-queries", values: topQueries.map(\.totalMilliseconds), labels: topQueries.map { String($0.fingerprint.prefix(8)) },
      cssClass: "bar2")
    page += "<table><tr><th>calls</th><th>total</th><th>mean</th><th>p95</th><th>max</th><th>query</th></tr>"
    for query in topQueries {
      page += "<tr><td>\(query.calls)</td><td>\(escape(ms(query.totalMilliseconds)))</td><td>\(escape(ms(query.meanMilliseconds)))</td>"
      page += "<td>\(escape(ms(query.percentile(0.95))))</td><td>\(escape(ms(query.maxMilliseconds)))</td>"
      page += "<td class=\"q\">\(escape(oneLine(query.query, width: 200)))</td></tr>"
    }
    page += "</table></body></html>\n"
    return page
  }

  static func barChart(id: String, values: [Double], labels: [String], cssClass: String) -> String {
    let width = 900.0
    let height = 200.0
    let maximum = max(values.max() ?? 1, .leastNonzeroMagnitude)
    let barWidth = values.isEmpty ? 0 : width / Double(values.count)
    var svg = "<svg id=\"\(id)\" width=\"\(Int(width))\" height=\"\(Int(height) + 20)\" viewBox=\"0 0 \(Int(width)) \(Int(height) + 20)\" role=\"img\">"
    for (index, value) in values.enumerated() {
      let barHeight = value / maximum * height
      let x = Double(index) * barWidth
      svg += "<rect class=\"\(cssClass)\" x=\"\(format(x))\" y=\"\(format(height - barHeight))\" width=\"\(format(max(1, barWidth - 1)))\" height=\"\(format(barHeight))\">"
      svg += "<title>\(escape(labels[index])): \(format(value))</title></rect>"
    }
    if let first = labels.first, let last = labels.last {
      svg += "<text x=\"0\" y=\"\(Int(height) + 15)\" font-size=\"11\">\(escape(first))</text>"
      svg += "<text x=\"\(Int(width))\" y=\"\(Int(height) + 15)\" font-size=\"11\" text-anchor=\"end\">\(escape(last))</text>"
    }
    return svg + "</svg>\n"
  }

  static func format(_ value: Double) -> String { String(format: "%.1f", value) }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
