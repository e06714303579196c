import Foundation
import PGTuneQuery

extension LogReportReporter {
  // MARK: Markdown

  public static func markdown(_ report: LogReport, top: Int) -> String {
    var text = "## PostgreSQL log report\n\n"
    text += "\(report.totalQueries) queries (\(report.queries.count) normalized), \(report.totalErrors) errors, total \(ms(report.totalMilliseconds)).\n\n"
    text += "| calls | total | mean | p95 | max | query |\n| ---: | ---: | ---: | ---: | ---: | --- |\n"
    for query in sorted(report, by: \.totalMilliseconds, top: top) {
      text += "| \(query.calls) | \(ms(query.totalMilliseconds)) | \(ms(query.meanMilliseconds)) | \(ms(query.percentile(0.95))) | \(ms(query.maxMilliseconds)) | `\(cell(query.query))` |\n"
    }
    let planned = withPlans(report, top: top)
    if !planned.isEmpty {
      text += "\n### Plans from the log (auto_explain)\n\n| plans | time | seq scans | findings | query |\n| ---: | ---: | --- | --- | --- |\n"
      for query in planned {
        let findings = query.plans.findings.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value.count)" }.joined(separator: ", ")
        text += "| \(query.plans.count) | \(duration(query.plans.totalMilliseconds)) | \(seqScanSummary(query.plans).joined(separator: "; ")) | \(findings) | `\(cell(query.query))` |\n"
      }
    }
    if report.totalErrors > 0 {
      text += "\n### Errors\n\n| count | SQLSTATE | message |\n| ---: | --- | --- |\n"
      for error in report.errors.values.sorted(by: { ($0.count, $1.key) > ($1.count, $0.key) }).prefix(top) {
        text += "| \(error.count) | \(errorCode(error.key)) | \(cell(error.message)) |\n"
      }
    }
    text += ServerActivityReporter.markdown(report, top: top)
    return text
  }

  static func cell(_ text: String) -> String {
    oneLine(text, width: 120).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
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
    page += "</table>"
    let planned = withPlans(report, top: top)
    if !planned.isEmpty {
      page += "<h2>Plans from the log (auto_explain)</h2><table id=\"plans\"><tr><th>plans</th><th>time</th><th>seq scans</th><th>findings</th><th>query</th></tr>"
      for query in planned {
        let findings = query.plans.findings.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value.count)" }.joined(separator: ", ")
        page += "<tr><td>\(query.plans.count)</td><td>\(escape(duration(query.plans.totalMilliseconds)))</td>"
        page += "<td class=\"q\">\(escape(seqScanSummary(query.plans).joined(separator: "; ")))</td><td class=\"q\">\(escape(findings))</td>"
        page += "<td class=\"q\">\(escape(oneLine(query.query, width: 200)))</td></tr>"
      }
      page += "</table>"
    }
    for (title, tallies) in [("database", report.byDatabase), ("user", report.byUser), ("application", report.byApplication)]
    where !tallies.isEmpty {
      page += "<h2>By \(title)</h2><table><tr><th>calls</th><th>total</th><th>\(title)</th></tr>"
      for (name, tally) in groups(tallies, top: top) {
        page += "<tr><td>\(tally.calls)</td><td>\(escape(ms(tally.milliseconds)))</td><td class=\"q\">\(escape(name))</td></tr>"
      }
      page += "</table>"
    }
    page += ServerActivityReporter.html(report, top: top)
    page += "</body></html>\n"
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
