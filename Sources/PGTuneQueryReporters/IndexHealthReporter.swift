import Foundation
import PGTuneQuery

/// What `indexes` prints: a table, JSON, or the `DROP INDEX CONCURRENTLY` statements with their
/// reasons as comments (to review, never run by the tool).
///
/// JSON: `{"schema_version":1,"checked":N,"stats_reset":…|null,"indexes":[{"index","table",
/// "verdict","covered_by"|null,"size_bytes","scans"|null,"definition","note"}]}`.
public enum IndexHealthReporter {
  public static let formats: [OutputFormat<IndexesOutcome>] = [
    OutputFormat(name: "text", summary: "one row per index to look at: verdict, size, what covers it") { renderText($0) },
    OutputFormat(name: "json", summary: "machine-readable verdicts") { renderJSON($0) },
    OutputFormat(name: "sql", summary: "DROP INDEX CONCURRENTLY statements with their reasons, to review") { renderSQL($0) },
  ]

  public static func renderText(_ outcome: IndexesOutcome) -> String {
    guard !outcome.verdicts.isEmpty else { return "\(outcome.checked) indexes checked: none is invalid, duplicate, redundant or unused\n" }
    let header = ["VERDICT", "INDEX", "SIZE", "SCANS", "COVERED BY", "NOTE"]
    let rows = [header] + outcome.verdicts.map { verdict in
      [
        verdict.kind.rawValue, verdict.index.qualifiedName, ByteCount.format(verdict.index.sizeBytes),
        verdict.index.scans.map(String.init) ?? "-", verdict.coveredBy ?? "-", verdict.note,
      ]
    }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    var text = rows.map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
    let total = outcome.verdicts.reduce(Int64(0)) { $0 + $1.index.sizeBytes }
    text += "\(outcome.verdicts.count) of \(outcome.checked) indexes to look at, \(ByteCount.format(total)) in all; "
      + "`--format sql` prints the DROP statements to review\n"
    return text
  }

  public static func renderJSON(_ outcome: IndexesOutcome) -> String {
    var json = JSONWriter()
    json.beginObject()
    json.field("schema_version", 1)
    json.field("checked", outcome.checked)
    json.field("stats_reset", outcome.statsReset)
    json.key("indexes")
    json.beginArray()
    for verdict in outcome.verdicts {
      json.beginObject()
      json.field("index", verdict.index.qualifiedName)
      json.field("table", verdict.index.qualifiedTable)
      json.field("verdict", verdict.kind.rawValue)
      json.field("covered_by", verdict.coveredBy)
      json.field("size_bytes", Int(verdict.index.sizeBytes))
      json.field("scans", verdict.index.scans.map { Int($0) })
      json.field("definition", verdict.index.definition)
      json.field("note", verdict.note)
      json.endObject()
    }
    json.endArray()
    json.endObject()
    json.endDocument()
    return json.string
  }

  public static func renderSQL(_ outcome: IndexesOutcome) -> String {
    var text = "-- pgtune-query indexes: \(outcome.verdicts.count) of \(outcome.checked) indexes. Review each before running;\n"
      + "-- DROP INDEX CONCURRENTLY must run outside a transaction block.\n"
    for verdict in outcome.verdicts {
      let covered = verdict.coveredBy.map { " (covered by \($0))" } ?? ""
      text += "\n-- \(verdict.kind.rawValue)\(covered), \(ByteCount.format(verdict.index.sizeBytes)): \(verdict.note)\n"
      text += "-- was: \(verdict.index.definition)\n"
      text += "DROP INDEX CONCURRENTLY IF EXISTS \(SQLIdentifier.qualified(verdict.index.schema, verdict.index.name));\n"
    }
    return text
  }
}
