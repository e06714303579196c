import PGTuneQuery

/// `--format sql`: the workload's index suggestions merged (one index serving several statements
/// is listed once), ranked by the total cost they save, as a migration file.
public enum IndexMigrationReporter {
  public struct MergedSuggestion: Sendable {
    public let suggestion: IndexSuggestion
    public var statements: [String]
    public var totalSaved: Double
    /// Narrower suggestions folded in: their keys lead this one's, so it serves their statements.
    public var covers: [String] = []
  }

  public static func merge(_ files: [FileAnalysis]) -> [MergedSuggestion] {
    var merged: [IndexCandidate: MergedSuggestion] = [:]
    var order: [IndexCandidate] = []
    for file in files {
      for statement in file.statements {
        let location = "\(file.source.name):\(file.text.position(ofByte: statement.start))"
        for suggestion in statement.indexSuggestions {
          let saved = suggestion.costAfter.map { suggestion.costBefore - $0 } ?? 0
          if merged[suggestion.candidate] == nil {
            merged[suggestion.candidate] = MergedSuggestion(suggestion: suggestion, statements: [], totalSaved: 0)
            order.append(suggestion.candidate)
          }
          merged[suggestion.candidate]?.statements.append(location)
          merged[suggestion.candidate]?.totalSaved += saved
        }
      }
    }
    return foldPrefixes(order.compactMap { merged[$0] }).enumerated()
      .sorted { ($1.element.totalSaved, $0.offset) < ($0.element.totalSaved, $1.offset) }.map(\.element)
  }

  /// A suggestion whose keys are the leading keys of another's on the same table (same
  /// predicate, its INCLUDE columns among the other's columns) is left out: the wider index
  /// serves the same lookups, and the migration would otherwise build and maintain both
  /// (`(part_id)` beside `(part_id, supp_id)`). Its statements move to the wider one, with the
  /// saving the narrower index showed for them.
  static func foldPrefixes(_ items: [MergedSuggestion]) -> [MergedSuggestion] {
    var items = items
    var dropped = Set<Int>()
    for (index, item) in items.enumerated() {
      let narrow = item.suggestion.candidate
      let wider = items.indices.filter { other in
        let candidate = items[other].suggestion.candidate
        return other != index && !dropped.contains(other) && candidate.relation.schema == narrow.relation.schema
          && candidate.relation.name == narrow.relation.name && candidate.predicate == narrow.predicate
          && candidate.keys.count > narrow.keys.count && Array(candidate.keys.prefix(narrow.keys.count)) == narrow.keys
          && Set(narrow.include).isSubset(of: Set(candidate.keys.map(\.text) + candidate.include))
      }.max { items[$0].totalSaved < items[$1].totalSaved }
      guard let wider else { continue }
      dropped.insert(index)
      items[wider].statements += item.statements.filter { !items[wider].statements.contains($0) }
      items[wider].totalSaved += item.totalSaved
      items[wider].covers.append(item.suggestion.name)
    }
    return items.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
  }

  public static func render(_ files: [FileAnalysis]) -> String {
    let merged = merge(files)
    let statements = files.reduce(0) { $0 + $1.statements.count }
    var text = "-- Index suggestions from pgtune-query \(PGTuneQueryVersion.current): \(merged.count) index"
    text += merged.count == 1 ? "" : "es"
    text += " for \(statements) statement\(statements == 1 ? "" : "s"), largest saving first.\n"
    text += "-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block: run these one by one.\n"
    for item in merged {
      text += "\n-- \(item.suggestion.candidate.reason)"
      if item.suggestion.verified {
        text += "; saves \(Int(item.totalSaved.rounded())) cost units in total (verified with hypopg)\n"
      } else {
        text += "; not verified (hypopg not installed)\n"
      }
      text += "-- used by: \(item.statements.joined(separator: ", "))\n"
      if !item.covers.isEmpty {
        text += "-- also serves what \(item.covers.joined(separator: ", ")) was suggested for (its keys lead this one's): not built separately\n"
      }
      if let note = item.suggestion.note { text += "-- note: \(note)\n" }
      text += item.suggestion.ddl + "\n"
    }
    return text
  }
}

extension IndexMigrationReporter {
  /// The workload's one index set, when hypopg chose it: each index with the statements it
  /// serves, the saving it adds to the set, its size and notes; then what the limits left out.
  public static func render(_ workload: WorkloadAdvice) -> String {
    let count = workload.indexes.count
    var text = "-- Index set from pgtune-query \(PGTuneQueryVersion.current): \(count) index\(count == 1 ? "" : "es"), "
    text += "\(ByteCount.format(Int64(workload.sizeBytes))), for \(workload.statements) statement\(workload.statements == 1 ? "" : "s").\n"
    let saved = workload.costBefore > 0 ? (workload.costBefore - workload.costAfter) / workload.costBefore * 100 : 0
    text += "-- Summed cost \(whole(workload.costBefore)) -> \(whole(workload.costAfter)) (-\(whole(saved)) %)"
    text += workload.weighted ? ", each statement weighted by its calls in the store's report runs" : ""
    text += "; chosen together with hypopg, by saving per byte.\n"
    var limits: [String] = []
    if let budget = workload.options.storageBudget { limits.append("storage budget \(ByteCount.format(Int64(budget)))") }
    if let maximum = workload.options.maxIndexes { limits.append("at most \(maximum) index\(maximum == 1 ? "" : "es")") }
    if !limits.isEmpty { text += "-- Limits: \(limits.joined(separator: ", ")).\n" }
    text += "-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block: run these one by one.\n"
    for index in workload.indexes {
      text += "\n-- \(index.suggestion.candidate.reason); \(ByteCount.format(Int64(index.sizeBytes))); "
      text += "the set loses \(whole(index.saving)) cost units without it\n"
      text += "-- serves: \(index.statements.joined(separator: ", "))\n"
      for note in [index.suggestion.lowConfidence, index.suggestion.note].compactMap({ $0 }) + index.notes {
        text += "-- note: \(note)\n"
      }
      text += index.suggestion.ddl + "\n"
    }
    if !workload.leftOut.isEmpty {
      text += "\n-- Left out by the limits (each saved up to the figure shown when last costed):\n"
      for item in workload.leftOut {
        text += "-- \(item.reason): \(item.suggestion.name), \(ByteCount.format(Int64(item.sizeBytes))), "
        text += "up to \(whole(item.saving)) cost units: \(item.suggestion.ddl)\n"
      }
    }
    return text
  }

  static func whole(_ value: Double) -> String { String(Int(value.rounded())) }

  public static let format = OutputFormat<AnalysisReport>(
    name: "sql", summary: "the workload's index set as a migration; needs a database", needsDatabase: true
  ) { report in
    report.workload.map(render) ?? render(report.files)
  }
}
