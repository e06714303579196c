import Foundation

/// One set of indexes for the whole workload (`--format sql`, JSON `workload`): what to build,
/// what each index adds to the set, what was left out and why.
public struct WorkloadAdvice: Sendable {
  public struct Index: Sendable {
    public let suggestion: IndexSuggestion
    /// `hypopg_relation_size` of the hypothetical index.
    public let sizeBytes: Double
    /// Statements whose cost rises without it (`file.sql:3:1`).
    public let statements: [String]
    /// Weighted cost the set loses without it.
    public let saving: Double
    /// Write cost and HOT-update notes, the partitioned-table note.
    public let notes: [String]
  }

  public struct LeftOut: Sendable {
    public let suggestion: IndexSuggestion
    public let sizeBytes: Double
    /// The weighted saving it showed when last costed.
    public let saving: Double
    /// `storage budget` or `max indexes`.
    public let reason: String
  }

  public let indexes: [Index]
  public let leftOut: [LeftOut]
  /// Weighted summed cost of the statements without and with the set.
  public let costBefore: Double
  public let costAfter: Double
  public let statements: Int
  /// True when some statement's weight came from the calls of a `report` run in the store.
  public let weighted: Bool
  public let options: WorkloadOptions
  /// `actual` when the plans behind the confidence notes are EXPLAIN ANALYZE plans.
  public let basis: String

  public var sizeBytes: Double { indexes.reduce(0) { $0 + $1.sizeBytes } }
}

/// What to tell about an index beyond its saving: the writes it slows, the HOT updates it stops,
/// and whether the estimate behind its saving can be trusted.
public enum IndexNotes {
  /// A table with at least this share of writes (rows written against scans, `pg_stat_user_tables`)
  /// counts its indexes' benefit at `1 - share / 2`.
  static let heavyWriteShare = 0.5

  /// The benefit multiplier for a table, and the note saying so; nil for a table read more than written.
  public static func writeDiscount(_ relation: CatalogFacts.Relation, catalog: CatalogFacts) -> (factor: Double, note: String)? {
    guard let activity = catalog.activity(of: relation), let share = activity.writeShare, share >= heavyWriteShare else {
      return nil
    }
    let factor = 1 - share / 2
    let since = activity.since.map { " since \($0)" } ?? " since the statistics were reset"
    let note =
      "\(relation.schema).\(relation.name) is write-heavy (\(Int(activity.written)) rows written, \(Int(activity.rowsRead)) read\(since)): "
      + "every index adds work to each insert, update and delete, so its benefit is counted at \(Int((factor * 100).rounded())) %"
    return (factor, note)
  }

  /// A note when the index's columns are ones the workload's UPDATEs set: such updates can no
  /// longer be HOT (heap-only, no index entry written).
  public static func hotUpdates(
    _ candidate: IndexCandidate, updatedColumns: [String: [String]], catalog: CatalogFacts
  ) -> String? {
    var columns = Set(candidate.keys.filter { !$0.isExpression }.map(\.text) + candidate.include)
    for key in candidate.keys where key.isExpression {
      for column in catalog.columns(of: candidate.relation) where key.text.contains(column.name) { columns.insert(column.name) }
    }
    let hit = columns.sorted().filter { updatedColumns["\(candidate.tableName).\($0)"] != nil }
    guard let first = hit.first, let updaters = updatedColumns["\(candidate.tableName).\(first)"] else { return nil }
    var note = "UPDATEs of \(hit.joined(separator: ", ")) (\(updaters.prefix(3).joined(separator: ", "))) would no longer be HOT updates"
    if let activity = catalog.activity(of: candidate.relation), activity.updated > 0 {
      note += " (\(Int((activity.hotUpdated / activity.updated * 100).rounded())) % of this table's updates are HOT today)"
    }
    return note
  }

  /// Low confidence when EXPLAIN ANALYZE found ≥ 10× more or fewer rows on the index's table
  /// than the planner expected: the hypothetical plan's saving rests on the same wrong estimate.
  public static func confidence(_ candidate: IndexCandidate, plan: ExplainResult, catalog: CatalogFacts) -> String? {
    var worst: (estimated: Double, actual: Double, node: PlanNode)?
    func ratio(_ estimated: Double, _ actual: Double) -> Double { max(estimated, actual) / max(1, min(estimated, actual)) }
    for entry in PlanWalker.entries(of: plan.plan) {
      let node = entry.node
      guard node.qualifiedRelation == candidate.tableName, let actual = node.actualRows, node.isAnalyzed else { continue }
      let estimated = node.planRows
      guard ratio(estimated, actual) >= 10, max(estimated, actual) >= 100 else { continue }
      if let current = worst, ratio(current.estimated, current.actual) >= ratio(estimated, actual) { continue }
      worst = (estimated, actual, node)
    }
    guard let worst else { return nil }
    let table = SQLIdentifier.qualified(candidate.relation.schema, candidate.relation.name)
    // The columns the node filters on: extended statistics on them fix a product of selectivities.
    let condition = [worst.node.filter, worst.node.indexCond, worst.node.recheckCond].compactMap { $0 }.joined(separator: " ")
    let filtered = catalog.columns(of: candidate.relation).map(\.name).filter { name in
      condition.range(of: "\\b\(name)\\b", options: .regularExpression) != nil
    }
    var fix = "run ANALYZE \(table)"
    if filtered.count >= 2 {
      fix += ", or CREATE STATISTICS ON \(filtered.map(SQLIdentifier.quote).joined(separator: ", ")) FROM \(table) if those columns are correlated"
    }
    let estimated = Int(worst.estimated.rounded())
    return "low confidence: the planner expected \(estimated) row\(estimated == 1 ? "" : "s") at \(worst.node.label) where EXPLAIN "
      + "ANALYZE found \(Int(worst.actual.rounded())); the saving rests on that estimate (\(fix))"
  }
}
