import Foundation
import PGTuneQuery

/// `history`: per-query trends as text (tables with sparklines) or JSON.
///
/// JSON: `{"schema_version":1,"queries":[{"fingerprint","query","runs","plan_changes",
/// "cost_change"|null,"entries":[{"time","source","cost","rows","plan_shape","indexes",
/// "calls","total_ms","mean_ms","p95_ms","p99_ms"}]}]}` (absent measurements are null).
public enum HistoryReporter {
  static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// A one-line chart of the values, scaled between their minimum and maximum.
  public static func sparkline(_ values: [Double]) -> String {
    guard let low = values.min(), let high = values.max() else { return "" }
    let span = high - low
    return String(values.map { value in
      span == 0 ? bars[3] : bars[min(bars.count - 1, Int((value - low) / span * Double(bars.count - 1) + 0.5))]
    })
  }

  public static func renderText(_ trends: [HistoryTrend], detailed: Bool) -> String {
    guard !trends.isEmpty else { return "no history yet: run analyze, check or report with a store\n" }
    if detailed, trends.count == 1, let trend = trends.first { return detail(trend) }
    // Plan costs (from analyze/check) and mean times (from report) are different units: each
    // has its column, and a query known from both shows both.
    var lines = [
      pad("FINGERPRINT", 16) + "  " + pad("RUNS", 5) + "  " + pad("COST (FIRST → LAST)", 24) + "  "
        + pad("MEAN MS (FIRST → LAST)", 24) + "  " + pad("TREND", 12) + "  " + pad("PLANS", 5) + "  QUERY"
    ]
    for trend in trends {
      var cost = range(trend.costs)
      if !trend.costs.isEmpty, let change = trend.costChange { cost += String(format: " (%+.0f%%)", change * 100) }
      let series = trend.costs.isEmpty ? trend.means : trend.costs
      lines.append(
        pad(String(trend.fingerprint.prefix(16)), 16) + "  " + pad(String(trend.entries.count), 5) + "  " + pad(cost, 24)
          + "  " + pad(range(trend.means), 24) + "  " + pad(sparkline(Array(series.suffix(12))), 12) + "  "
          + pad(trend.planChanges == 0 ? "same" : "\(trend.planChanges)×", 5) + "  " + String(trend.query.prefix(70)))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `first → last`, the only value, or `-`.
  private static func range(_ values: [Double]) -> String {
    guard let first = values.first, let last = values.last else { return "-" }
    return values.count > 1 ? "\(format(first)) → \(format(last))" : format(last)
  }

  private static func detail(_ trend: HistoryTrend) -> String {
    var text = "fingerprint \(trend.fingerprint)\n\(trend.query)\n\n"
    if !trend.costs.isEmpty { text += "cost  \(sparkline(trend.costs))\n" }
    if !trend.means.isEmpty { text += "mean  \(sparkline(trend.means))\n" }
    text += "\n" + pad("TIME", 20) + "  " + pad("SOURCE", 7) + "  " + pad("COST", 10) + "  " + pad("ROWS", 10) + "  "
      + pad("MEAN MS", 9) + "  PLAN\n"
    var previousShape: String?
    for entry in trend.entries {
      var plan = entry.planShape.map { String($0.prefix(8)) } ?? "-"
      if let shape = entry.planShape, let previousShape, shape != previousShape { plan += " (changed)" }
      if let indexes = entry.indexes, !indexes.isEmpty { plan += " " + indexes.joined(separator: ",") }
      previousShape = entry.planShape ?? previousShape
      text += pad(timestamp(entry.time), 20) + "  " + pad(entry.source, 7) + "  " + pad(entry.cost.map(format) ?? "-", 10)
        + "  " + pad(entry.rows.map(format) ?? "-", 10) + "  " + pad(entry.meanMs.map { String(format: "%.2f", $0) } ?? "-", 9)
        + "  " + plan + "\n"
    }
    return text
  }

  public static func renderJSON(_ trends: [HistoryTrend]) -> String {
    var json = JSONWriter()
    json.beginObject()
    json.field("schema_version", 1)
    json.key("queries")
    json.beginArray()
    for trend in trends {
      json.beginObject()
      json.field("fingerprint", trend.fingerprint)
      json.field("query", trend.query)
      json.field("runs", trend.entries.count)
      json.field("plan_changes", trend.planChanges)
      json.field("cost_change", trend.costChange)
      json.key("entries")
      json.beginArray()
      for entry in trend.entries {
        json.beginObject()
        json.field("time", timestamp(entry.time, iso: true))
        json.field("source", entry.source)
        json.field("cost", entry.cost)
        json.field("rows", entry.rows)
        json.field("plan_shape", entry.planShape)
        json.key("indexes")
        json.beginArray()
        for index in entry.indexes ?? [] { json.value(index) }
        json.endArray()
        json.field("calls", entry.calls)
        json.field("total_ms", entry.totalMs)
        json.field("mean_ms", entry.meanMs)
        json.field("p95_ms", entry.p95Ms)
        json.field("p99_ms", entry.p99Ms)
        json.endObject()
      }
      json.endArray()
      json.endObject()
    }
    json.endArray()
    json.endObject()
    json.endDocument()
    return json.string
  }

  static func format(_ value: Double) -> String {
    value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
  }

  static func timestamp(_ milliseconds: Int64, iso: Bool = false) -> String {
    let date = Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
    let formatter = ISO8601DateFormatter()
    let text = formatter.string(from: date)
    return iso ? text : text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
  }

  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }
}

/// What `history` renders: the trends, and whether one query was asked for (all its runs).
public struct HistoryReport: Sendable {
  public var trends: [HistoryTrend]
  public var detailed: Bool

  public init(trends: [HistoryTrend], detailed: Bool) {
    self.trends = trends
    self.detailed = detailed
  }
}

extension HistoryReporter {
  static let formats: [OutputFormat<HistoryReport>] = [
    OutputFormat(name: "text", summary: "a table per query") { renderText($0.trends, detailed: $0.detailed) },
    OutputFormat(name: "json", summary: "JSON") { renderJSON($0.trends) },
  ]
}
