import Foundation
import PGTuneQuery

/// The server's story beside the queries, in each `report` format: query types, per hour,
/// connections and sessions, checkpoints, autovacuum and autoanalyze, events. Sections with
/// nothing to show are left out.
enum ServerActivityReporter {
  static func sortedCounts(_ counts: [String: Int], top: Int) -> [(name: String, count: Int)] {
    counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(top).map { ($0.key, $0.value) }
  }

  static func sortedMaintenance(_ tables: [String: ServerActivity.Maintenance], top: Int) -> [(table: String, tally: ServerActivity.Maintenance)] {
    tables.sorted { ($0.value.milliseconds, $1.key) > ($1.value.milliseconds, $0.key) }.prefix(top).map { ($0.key, $0.value) }
  }

  static func sortedTypes(_ report: LogReport) -> [(type: String, tally: Tally)] {
    report.queryTypes.sorted { ($0.value.calls, $1.key) > ($1.value.calls, $0.key) }.map { ($0.key, $0.value) }
  }

  static func name(_ text: String) -> String { text.isEmpty ? "(unknown)" : text }

  // MARK: text

  static func text(_ report: LogReport, top: Int) -> String {
    let activity = report.activity
    let ms = LogReportReporter.ms
    var output = ""
    let types = sortedTypes(report)
    if !types.isEmpty {
      output += "\nQuery types\n"
      for (type, tally) in types { output += "  \(pad(String(tally.calls), 8))  \(pad(ms(tally.milliseconds), 11))  \(type)\n" }
    }
    let hours = report.perHour
    if hours.count > 1 {
      output += "\nPer hour\n"
      for hour in hours.keys.sorted() {
        let value = hours[hour] ?? (0, 0)
        output += "  \(hour):00  \(pad(String(value.count), 8))  \(ms(value.milliseconds))\n"
      }
    }
    if activity.connections > 0 || activity.sessions > 0 {
      output += "\nConnections: \(activity.connections) authorized"
      if activity.sessions > 0 {
        output += "; sessions ended: \(activity.sessions), \(ms(activity.sessionMilliseconds / Double(activity.sessions))) on average, longest \(ms(activity.longestSessionMilliseconds))"
      }
      output += "\n"
      for (title, counts) in [
        ("database", activity.connectionsByDatabase), ("user", activity.connectionsByUser),
        ("application", activity.connectionsByApplication), ("host", activity.connectionsByHost),
      ] where !counts.isEmpty {
        output += "  by \(title): " + sortedCounts(counts, top: top).map { "\(name($0.name)) \($0.count)" }.joined(separator: ", ") + "\n"
      }
    }
    let checkpoints = activity.checkpoints
    if !checkpoints.byCause.isEmpty {
      let started = checkpoints.byCause.values.reduce(0, +)
      output += "\nCheckpoints started: \(started) (" + sortedCounts(checkpoints.byCause, top: top).map { "\($0.name) \($0.count)" }.joined(separator: ", ") + ")\n"
    }
    if checkpoints.completed > 0 {
      if checkpoints.byCause.isEmpty { output += "\n" }
      output += "Checkpoints completed: \(checkpoints.completed), \(checkpoints.buffers) buffers written, write \(ms(checkpoints.writeMilliseconds)), sync \(ms(checkpoints.syncMilliseconds)), total \(ms(checkpoints.totalMilliseconds)), distance \(Int(checkpoints.distanceKB)) kB\n"
    }
    if !activity.vacuums.isEmpty {
      output += "\nAutovacuum (count, time, tuples removed, pages removed, table)\n"
      for (table, tally) in sortedMaintenance(activity.vacuums, top: top) {
        output += "  \(pad(String(tally.count), 6))  \(pad(ms(tally.milliseconds), 11))  \(pad(String(tally.removedTuples), 10))  \(pad(String(tally.removedPages), 8))  \(table)\n"
      }
    }
    if !activity.analyzes.isEmpty {
      output += "\nAutoanalyze (count, time, table)\n"
      for (table, tally) in sortedMaintenance(activity.analyzes, top: top) {
        output += "  \(pad(String(tally.count), 6))  \(pad(ms(tally.milliseconds), 11))  \(table)\n"
      }
    }
    if !activity.events.isEmpty {
      output += "\nEvents\n"
      for (event, count) in sortedCounts(activity.events, top: 100) { output += "  \(pad(String(count), 8))  \(event)\n" }
    }
    return output
  }

  private static func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }

  // MARK: JSON

  /// `"query_types":[{"type","calls","total_ms"}],"per_hour":[{"hour","queries","total_ms"}],
  /// "server":{"connections":{"authorized","by_database","by_user","by_application","by_host"},
  /// "sessions":{"ended","total_ms","longest_ms","by_database":[{"name","sessions","total_ms"}]},
  /// "checkpoints":{"completed","by_cause","buffers","write_ms","sync_ms","total_ms","distance_kb"},
  /// "autovacuum"|"autoanalyze":[{"table","count","total_ms","removed_tuples","removed_pages"}],
  /// "events":[{"event","count"}]}`; the `by_…` maps are `{name: count}`.
  static func writeJSON(_ report: LogReport, to json: inout JSONWriter) {
    let rounded = LogReportReporter.rounded
    json.key("query_types")
    json.beginArray()
    for (type, tally) in sortedTypes(report) {
      json.beginObject()
      json.field("type", type)
      json.field("calls", tally.calls)
      json.field("total_ms", rounded(tally.milliseconds))
      json.endObject()
    }
    json.endArray()
    json.key("per_hour")
    json.beginArray()
    let hours = report.perHour
    for hour in hours.keys.sorted() {
      json.beginObject()
      json.field("hour", hour)
      json.field("queries", hours[hour]?.count ?? 0)
      json.field("total_ms", rounded(hours[hour]?.milliseconds ?? 0))
      json.endObject()
    }
    json.endArray()
    let activity = report.activity
    json.key("server")
    json.beginObject()
    json.key("connections")
    json.beginObject()
    json.field("authorized", activity.connections)
    for (key, counts) in [
      ("by_database", activity.connectionsByDatabase), ("by_user", activity.connectionsByUser),
      ("by_application", activity.connectionsByApplication), ("by_host", activity.connectionsByHost),
    ] {
      writeCounts(key, counts, to: &json)
    }
    json.endObject()
    json.key("sessions")
    json.beginObject()
    json.field("ended", activity.sessions)
    json.field("total_ms", rounded(activity.sessionMilliseconds))
    json.field("longest_ms", rounded(activity.longestSessionMilliseconds))
    json.key("by_database")
    json.beginArray()
    for (database, tally) in activity.sessionsByDatabase.sorted(by: { ($0.value.calls, $1.key) > ($1.value.calls, $0.key) }) {
      json.beginObject()
      json.field("name", database.isEmpty ? nil : database)
      json.field("sessions", tally.calls)
      json.field("total_ms", rounded(tally.milliseconds))
      json.endObject()
    }
    json.endArray()
    json.endObject()
    let checkpoints = activity.checkpoints
    json.key("checkpoints")
    json.beginObject()
    json.field("completed", checkpoints.completed)
    writeCounts("by_cause", checkpoints.byCause, to: &json)
    json.field("buffers", checkpoints.buffers)
    json.field("write_ms", rounded(checkpoints.writeMilliseconds))
    json.field("sync_ms", rounded(checkpoints.syncMilliseconds))
    json.field("total_ms", rounded(checkpoints.totalMilliseconds))
    json.field("distance_kb", rounded(checkpoints.distanceKB))
    json.endObject()
    for (key, tables) in [("autovacuum", activity.vacuums), ("autoanalyze", activity.analyzes)] {
      json.key(key)
      json.beginArray()
      for (table, tally) in sortedMaintenance(tables, top: Int.max) {
        json.beginObject()
        json.field("table", table)
        json.field("count", tally.count)
        json.field("total_ms", rounded(tally.milliseconds))
        json.field("removed_tuples", tally.removedTuples)
        json.field("removed_pages", tally.removedPages)
        json.endObject()
      }
      json.endArray()
    }
    json.key("events")
    json.beginArray()
    for (event, count) in sortedCounts(activity.events, top: Int.max) {
      json.beginObject()
      json.field("event", event)
      json.field("count", count)
      json.endObject()
    }
    json.endArray()
    json.endObject()
  }

  private static func writeCounts(_ key: String, _ counts: [String: Int], to json: inout JSONWriter) {
    json.key(key)
    json.beginObject()
    for (name, count) in sortedCounts(counts, top: Int.max) { json.field(name, count) }
    json.endObject()
  }

  // MARK: HTML and Markdown

  /// One table of a page: its anchor, title, column names and rows.
  struct Section {
    let id: String
    let title: String
    let headers: [String]
    let rows: [[Cell]]
  }

  /// A cell of a section's table: figures keep their number, so that the HTML page sorts them as
  /// numbers (as text, "9" came after "10" and "2.00 s" before "900.00 ms").
  enum Cell: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    case text(String), count(Int), milliseconds(Double)

    init(stringLiteral value: String) { self = .text(value) }

    var text: String {
      switch self {
      case .text(let text): text
      case .count(let count): String(count)
      case .milliseconds(let milliseconds): LogReportReporter.ms(milliseconds)
      }
    }
  }

  /// The tables both pages show, in order; empty ones left out.
  static func sections(_ report: LogReport, top: Int) -> [Section] {
    let activity = report.activity
    var sections: [Section] = []
    func add(_ id: String, _ title: String, _ headers: [String], _ rows: [[Cell]]) {
      if !rows.isEmpty { sections.append(Section(id: id, title: title, headers: headers, rows: rows)) }
    }
    add("query-types", "Query types", ["type", "calls", "total"], sortedTypes(report).map { [.text($0.type), .count($0.tally.calls), .milliseconds($0.tally.milliseconds)] })
    let hours = report.perHour
    if hours.count > 1 {
      add("per-hour", "Per hour", ["hour", "queries", "total"], hours.keys.sorted().map { [.text($0 + ":00"), .count(hours[$0]?.count ?? 0), .milliseconds(hours[$0]?.milliseconds ?? 0)] })
    }
    if activity.connections > 0 || activity.sessions > 0 {
      var rows: [[Cell]] = [["authorized connections", .count(activity.connections)], ["sessions ended", .count(activity.sessions)]]
      if activity.sessions > 0 {
        rows.append(["mean session", .milliseconds(activity.sessionMilliseconds / Double(activity.sessions))])
        rows.append(["longest session", .milliseconds(activity.longestSessionMilliseconds)])
      }
      for (title, counts) in [
        ("database", activity.connectionsByDatabase), ("user", activity.connectionsByUser),
        ("application", activity.connectionsByApplication), ("host", activity.connectionsByHost),
      ] {
        rows += sortedCounts(counts, top: top).map { ["connections, \(title) \(name($0.name))", .count($0.count)] }
      }
      add("connections", "Connections and sessions", ["what", "count"], rows)
    }
    let checkpoints = activity.checkpoints
    var checkpointRows: [[Cell]] = sortedCounts(checkpoints.byCause, top: top).map { ["started by \($0.name)", .count($0.count)] }
    if checkpoints.completed > 0 {
      checkpointRows += [
        ["completed", .count(checkpoints.completed)], ["buffers written", .count(checkpoints.buffers)],
        ["write time", .milliseconds(checkpoints.writeMilliseconds)], ["sync time", .milliseconds(checkpoints.syncMilliseconds)],
        ["total time", .milliseconds(checkpoints.totalMilliseconds)], ["distance", "\(Int(checkpoints.distanceKB)) kB"],
      ]
    }
    add("checkpoints", "Checkpoints", ["what", "value"], checkpointRows)
    add("autovacuum", "Autovacuum", ["table", "count", "time", "tuples removed", "pages removed"], sortedMaintenance(activity.vacuums, top: top).map {
      [.text($0.table), .count($0.tally.count), .milliseconds($0.tally.milliseconds), .count($0.tally.removedTuples), .count($0.tally.removedPages)]
    })
    add("autoanalyze", "Autoanalyze", ["table", "count", "time"], sortedMaintenance(activity.analyzes, top: top).map {
      [.text($0.table), .count($0.tally.count), .milliseconds($0.tally.milliseconds)]
    })
    add("events", "Events", ["event", "count"], sortedCounts(activity.events, top: 100).map { [.text($0.name), .count($0.count)] })
    return sections
  }

  static func markdown(_ report: LogReport, top: Int) -> String {
    sections(report, top: top).map { section in
      "\n### \(section.title)\n\n| " + section.headers.joined(separator: " | ") + " |\n|" + section.headers.map { _ in " --- |" }.joined() + "\n"
        + section.rows.map { "| " + $0.map { LogReportReporter.cell($0.text) }.joined(separator: " | ") + " |\n" }.joined()
    }.joined()
  }
}
