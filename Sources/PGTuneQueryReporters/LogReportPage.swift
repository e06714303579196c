import Foundation
import PGTuneQuery

/// `report --format html`: one self-contained page that works offline. A contents bar; charts with
/// axes, gridlines, values and hover titles; tables sortable by any column (a small inline script —
/// without it the page still reads, in the order given); every query links to its detail (the
/// normalized SQL, calls and time per hour, latency by decade, the slowest samples with their
/// parameters, its logged plans and their findings, errors); the server's story. It follows the
/// window's width and prints without the contents bar.
extension LogReportReporter {
  public static func html(_ report: LogReport, top: Int) -> String {
    let topQueries = sorted(report, by: \.totalMilliseconds, top: top)
    let slowest = sorted(report, by: \.maxMilliseconds, top: top)
    let frequent = sorted(report, by: { Double($0.calls) }, top: top)
    var detailed: [QueryAggregate] = []
    for query in topQueries + slowest + frequent + withPlans(report, top: top)
    where !detailed.contains(where: { $0.fingerprint == query.fingerprint }) {
      detailed.append(query)
    }
    var body = overview(report)
    var contents: [(String, String)] = [("overview", "Overview")]
    func section(_ id: String, _ title: String, _ content: String) {
      guard !content.isEmpty else { return }
      contents.append((id, title))
      body += "<section id=\"\(id)\"><h2>\(escape(title))</h2>\(content)</section>"
    }
    let minutes = report.perMinute.keys.sorted()
    if !minutes.isEmpty {
      let counts = minutes.map { Double(report.perMinute[$0]?.count ?? 0) }
      let durations = minutes.map { report.perMinute[$0]?.milliseconds ?? 0 }
      section(
        "per-minute", "Queries and time per minute",
        "<h3>Queries per minute</h3>"
          + SVGBarChart(id: "queries-per-minute", values: counts, labels: minutes.map { String($0.suffix(5)) }, cssClass: "bar", format: count).svg
          + "<h3>Query time per minute</h3>"
          + SVGBarChart(id: "duration-per-minute", values: durations, labels: minutes.map { String($0.suffix(5)) }, cssClass: "bar2", format: ms).svg)
    }
    var combined = LatencyHistogram()
    for query in report.queries.values { combined.merge(query.histogram) }
    section("latency", "Latency distribution (all queries)", latency(combined, id: "latency-histogram"))
    section(
      "top-queries", "Most time-consuming queries",
      SVGBarChart(
        id: "top-queries", values: topQueries.map(\.totalMilliseconds), labels: topQueries.indices.map { "#\($0 + 1)" },
        cssClass: "bar2", format: ms
      ).svg + queryTable(topQueries, numbered: true))
    section("slowest", "Slowest queries (max)", queryTable(slowest, numbered: false))
    section("frequent", "Most frequent queries", queryTable(frequent, numbered: false))
    section("errors", "Errors", errorTable(report, top: top))
    section("temp-files", "Temporary files", tempFileTable(report, top: top))
    section("lock-waits", "Lock waits", lockWaitTable(report, top: top))
    section("plans", "Plans from the log (auto_explain)", planTable(report, top: top))
    for (id, title, tallies) in [
      ("by-database", "By database", report.byDatabase), ("by-user", "By user", report.byUser),
      ("by-application", "By application", report.byApplication),
    ] where !tallies.isEmpty {
      let rows = groups(tallies, top: top).map { [td($0.name.isEmpty ? "(unknown)" : $0.name), number($0.tally.calls), time($0.tally.milliseconds)] }
      section(id, title, table(["name", "calls", "total"], rows))
    }
    for part in ServerActivityReporter.sections(report, top: top) {
      section(part.id, part.title, table(part.headers, part.rows.map { $0.map(cell) }))
    }
    section("details", "Query details", detailed.map(detail).joined())
    let navigation = contents.map { "<a href=\"#\($0.0)\">\(escape($0.1))</a>" }.joined()
    return """
      <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
      <title>pgtune-query log report</title><style>\(style)</style></head><body>
      <nav id="contents">\(navigation)</nav><main><h1>PostgreSQL log report</h1>\(body)</main><script>\(script)</script></body></html>

      """
  }

  // MARK: parts

  static func overview(_ report: LogReport) -> String {
    var rows = [
      ("queries", String(report.totalQueries)), ("normalized queries", String(report.queries.count)),
      ("total query time", ms(report.totalMilliseconds)), ("errors", String(report.totalErrors)),
    ]
    if let first = report.first, let last = report.last { rows.append(("period", "\(first) – \(last)")) }
    if report.tempFiles > 0 { rows.append(("temporary files", "\(report.tempFiles), \(ByteCount.format(report.tempBytes))")) }
    if report.lockWaits > 0 { rows.append(("lock waits", "\(report.lockWaits), \(duration(report.lockWaitMilliseconds)) waited")) }
    if report.otherQueryCount > 0 {
      rows.append(("other queries (folded to bound memory)", "\(report.otherQueryCount) distinct, \(report.otherQueries.calls) calls, \(ms(report.otherQueries.milliseconds))"))
    }
    return "<section id=\"overview\"><p id=\"totals\">\(report.totalQueries) queries (\(report.queries.count) normalized), \(report.totalErrors) errors, total \(escape(ms(report.totalMilliseconds)))</p>"
      + "<table class=\"facts\">" + rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined() + "</table></section>"
  }

  static func latency(_ histogram: LatencyHistogram, id: String) -> String {
    guard histogram.total > 0 else { return "" }
    let decades = histogram.decades
    let labels = decades.enumerated().map { index, decade -> String in
      guard let upper = decade.upperMilliseconds else { return "> \(msShort(decades[index - 1].upperMilliseconds ?? 0))" }
      return index == 0 ? "≤ \(msShort(upper))" : "\(msShort(decades[index - 1].upperMilliseconds ?? 0))–\(msShort(upper))"
    }
    let points = [0.5, 0.95, 0.99, 0.999].map { "p\(($0 * 100).formatted()) \(ms(histogram.percentile($0)))" }.joined(separator: " · ")
    return SVGBarChart(id: id, values: decades.map { Double($0.count) }, labels: labels, cssClass: "bar", format: count).svg
      + "<p class=\"percentiles\">\(escape(points))</p>"
  }

  static func queryTable(_ queries: [QueryAggregate], numbered: Bool) -> String {
    let rows = queries.enumerated().map { index, query -> [String] in
      var row = numbered ? ["<td data-v=\"\(index + 1)\">\(index + 1)</td>"] : []
      row += [
        number(query.calls), time(query.totalMilliseconds), time(query.meanMilliseconds), time(query.percentile(0.95)),
        time(query.maxMilliseconds), number(query.errors),
        "<td class=\"q\"><a href=\"#q-\(anchor(query))\">\(escape(oneLine(query.query, width: 160)))</a></td>",
      ]
      return row
    }
    return table((numbered ? ["#"] : []) + ["calls", "total", "mean", "p95", "max", "errors", "query"], rows)
  }

  static func errorTable(_ report: LogReport, top: Int) -> String {
    let rows = report.errors.values.sorted(by: { ($0.count, $1.key) > ($1.count, $0.key) }).prefix(top).map { error in
      [number(error.count), td(errorCode(error.key)), td(oneLine(error.message, width: 160)), td(error.statement.map { oneLine($0, width: 160) } ?? "")]
    }
    return table(["count", "SQLSTATE", "message", "statement"], Array(rows))
  }

  static func tempFileTable(_ report: LogReport, top: Int) -> String {
    let rows = report.queries.values.filter { $0.tempFiles > 0 }
      .sorted { ($0.tempBytes, $1.fingerprint) > ($1.tempBytes, $0.fingerprint) }.prefix(top)
      .map { [number($0.tempFiles), "<td data-v=\"\($0.tempBytes)\">\(escape(ByteCount.format($0.tempBytes)))</td>", link($0)] }
    return table(["files", "size", "query"], Array(rows))
  }

  static func lockWaitTable(_ report: LogReport, top: Int) -> String {
    let rows = report.queries.values.filter { $0.lockWaits > 0 || $0.lockWaitMilliseconds > 0 }
      .sorted { ($0.lockWaitMilliseconds, $1.fingerprint) > ($1.lockWaitMilliseconds, $0.fingerprint) }.prefix(top)
      .map { [number($0.lockWaits), time($0.lockWaitMilliseconds), link($0)] }
    return table(["waits", "waited", "query"], Array(rows))
  }

  static func planTable(_ report: LogReport, top: Int) -> String {
    let rows = withPlans(report, top: top).map { query -> [String] in
      let findings = query.plans.findings.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value.count)" }.joined(separator: ", ")
      return [number(query.plans.count), time(query.plans.totalMilliseconds), td(seqScanSummary(query.plans).joined(separator: "; ")), td(findings), link(query)]
    }
    return rows.isEmpty ? "" : "<div id=\"plans\">" + table(["plans", "time", "seq scans", "findings", "query"], rows) + "</div>"
  }

  /// One query's detail: SQL, figures, per hour, latency, slowest samples, plans, errors.
  static func detail(_ query: QueryAggregate) -> String {
    var text = "<article class=\"query\" id=\"q-\(anchor(query))\"><h3>\(escape(String(query.fingerprint.prefix(16))))</h3>"
    text += "<pre class=\"sql\">\(escape(query.query))</pre>"
    text += "<table class=\"facts\"><tr><th>calls</th><td>\(query.calls)</td><th>total</th><td>\(escape(ms(query.totalMilliseconds)))</td>"
    text += "<th>mean</th><td>\(escape(ms(query.meanMilliseconds)))</td><th>p95</th><td>\(escape(ms(query.percentile(0.95))))</td>"
    text += "<th>max</th><td>\(escape(ms(query.maxMilliseconds)))</td><th>errors</th><td>\(query.errors)</td></tr></table>"
    if query.hours.count > 0 {
      let hours = query.hours.keys.sorted()
      text += "<h4>Per hour</h4>" + table(["hour", "calls", "total"], hours.map { [td($0 + ":00"), number(query.hours[$0]?.calls ?? 0), time(query.hours[$0]?.milliseconds ?? 0)] })
    }
    if query.histogram.total > 1 {
      text += "<h4>Latency</h4>" + latency(query.histogram, id: "latency-\(anchor(query))")
    }
    if !query.samples.isEmpty {
      text += "<h4>Slowest samples</h4>" + table(
        ["duration", "time", "statement with its parameters"],
        query.samples.map { [time($0.milliseconds), td($0.timestamp ?? ""), "<td class=\"q\"><code>\(escape(oneLine($0.text, width: 2_000)))</code></td>"] })
    }
    if query.plans.count > 0 {
      let findings = query.plans.findings.sorted { $0.key < $1.key }.map { "\($0.value.severity.rawValue) \($0.key) ×\($0.value.count): \($0.value.message)" }
      text += "<h4>Logged plans</h4><p>\(query.plans.count) plans, \(escape(duration(query.plans.totalMilliseconds)))</p>"
      text += "<ul>" + (seqScanSummary(query.plans) + findings).map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
    }
    return text + "</article>"
  }

  // MARK: cells

  /// A sortable table: `data-v` holds the number a column sorts by.
  static func table(_ headers: [String], _ rows: [[String]]) -> String {
    guard !rows.isEmpty else { return "" }
    return "<div class=\"scroll\"><table class=\"sortable\"><thead><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
      + rows.map { "<tr>" + $0.joined() + "</tr>" }.joined() + "</tbody></table></div>"
  }

  static func td(_ text: String) -> String { "<td>\(escape(text))</td>" }
  static func cell(_ cell: ServerActivityReporter.Cell) -> String {
    switch cell {
    case .text(let text): td(text)
    case .count(let value): number(value)
    case .milliseconds(let value): time(value)
    }
  }
  static func number(_ value: Int) -> String { "<td data-v=\"\(value)\">\(value)</td>" }
  static func time(_ milliseconds: Double) -> String { "<td data-v=\"\(milliseconds)\">\(escape(ms(milliseconds)))</td>" }
  static func link(_ query: QueryAggregate) -> String {
    "<td class=\"q\"><a href=\"#q-\(anchor(query))\">\(escape(oneLine(query.query, width: 160)))</a></td>"
  }
  static func anchor(_ query: QueryAggregate) -> String {
    String(query.fingerprint.map { $0.isLetter || $0.isNumber ? $0 : "-" })
  }
  static func count(_ value: Double) -> String { value >= 10_000 ? String(format: "%.0fk", value / 1_000) : String(format: "%.0f", value) }
  static func msShort(_ value: Double) -> String { value >= 1_000 ? "\((value / 1_000).formatted()) s" : "\(value.formatted()) ms" }

  static let style = """
    body{font:14px system-ui,sans-serif;margin:0;color:#222}main{padding:1em 2em;max-width:1200px}
    #contents{position:sticky;top:0;background:#f4f6f8;border-bottom:1px solid #ddd;padding:.5em 2em;display:flex;flex-wrap:wrap;gap:.3em 1em;z-index:1}
    #contents a{color:#2a5db0;text-decoration:none;white-space:nowrap}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
    h3{font-size:1em}.chart{display:block;max-width:960px;background:#fafafa;border:1px solid #ddd}
    .grid{stroke:#e2e2e2}.axisline{stroke:#888}.axis,.value{font-size:11px;fill:#555}.bar{fill:#3b7dd8}.bar2{fill:#d8893b}
    .scroll{overflow-x:auto}table{border-collapse:collapse;margin-top:.6em}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
    td[data-v]{text-align:right;white-space:nowrap}td.q{font-family:monospace;min-width:20em;word-break:break-word}th{background:#f4f6f8}table.sortable th{cursor:pointer}
    table.facts th{text-align:left}pre.sql{background:#f7f7f7;padding:.6em;white-space:pre-wrap;border:1px solid #e2e2e2}
    article.query{border-top:1px solid #ddd;margin-top:1.5em}
    @media (max-width:700px){main{padding:.5em}#contents{padding:.5em}}
    @media print{#contents{display:none}.scroll{overflow:visible}td.q{font-size:10px}article.query{break-inside:avoid}}
    """

  /// Click a column header to sort by it (again: the other way). Numbers sort by `data-v`.
  static let script = """
    document.querySelectorAll('table.sortable').forEach(function(t){t.querySelectorAll('th').forEach(function(h,i){
    h.addEventListener('click',function(){var b=t.tBodies[0],r=Array.from(b.rows),d=h.dataset.d==='a'?-1:1;h.dataset.d=d===1?'a':'d';
    r.sort(function(x,y){var p=x.cells[i],q=y.cells[i],u=p.dataset.v,v=q.dataset.v;
    return d*((u!==undefined&&v!==undefined)?(parseFloat(v)-parseFloat(u)):p.textContent.localeCompare(q.textContent));});
    r.forEach(function(x){b.appendChild(x);});});});});
    """
}
