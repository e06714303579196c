import Foundation

/// One run's measurements of one query (by fingerprint), appended to the store's `history`
/// namespace by `analyze`, `check` and `report`.
public struct HistoryEntry: Codable, Sendable, Equatable {
  /// Milliseconds since the epoch.
  public var time: Int64
  /// `analyze`, `check`, `report` or `warm`.
  public var source: String
  public var fingerprint: String
  /// The statement, shortened, for display.
  public var query: String
  // From plans:
  public var cost: Double?
  public var rows: Double?
  /// A digest of the plan's shape (node types, relations, indexes; not costs): a change means
  /// the planner chose a different plan.
  public var planShape: String?
  public var indexes: [String]?
  // From logs:
  public var calls: Int?
  public var totalMs: Double?
  public var meanMs: Double?
  public var p95Ms: Double?
  public var p99Ms: Double?
}

/// A query's entries over time, oldest first, with what changed.
public struct HistoryTrend: Sendable {
  public let fingerprint: String
  public let query: String
  public let entries: [HistoryEntry]

  /// Plan costs in order (entries without a plan skipped).
  public var costs: [Double] { entries.compactMap(\.cost) }
  public var means: [Double] { entries.compactMap(\.meanMs) }
  /// Times the plan shape differed from the previous run's.
  public var planChanges: Int {
    let shapes = entries.compactMap(\.planShape)
    return zip(shapes, shapes.dropFirst()).filter { $0 != $1 }.count
  }
  /// Last cost relative to the first (0.25 = 25 % more expensive); nil without two costs.
  public var costChange: Double? {
    guard let first = costs.first, let last = costs.last, costs.count > 1, first > 0 else { return nil }
    return (last - first) / first
  }
}

public enum MetricsHistory {
  /// History is kept for 180 days.
  public static let ttl = 180 * 24 * 3600

  /// Appends one entry per fingerprint that has a plan (several statements with one fingerprint
  /// in a run: the costliest).
  public static func record(_ files: [FileAnalysis], source: String, store: TieredStore, now: Date = Date()) {
    var entries: [String: HistoryEntry] = [:]
    let time = Int64(now.timeIntervalSince1970 * 1_000)
    for file in files {
      for statement in file.statements {
        guard let fingerprint = statement.fingerprint, let plan = statement.plan else { continue }
        let summary = PlanSummary(plan)
        if let existing = entries[fingerprint], (existing.cost ?? 0) >= summary.totalCost { continue }
        entries[fingerprint] = HistoryEntry(
          time: time, source: source, fingerprint: fingerprint, query: shortened(file.sql(of: statement)),
          cost: summary.totalCost, rows: summary.planRows, planShape: planShape(plan.plan), indexes: summary.indexesUsed)
      }
    }
    append(Array(entries.values), store: store)
  }

  public static func append(_ entries: [HistoryEntry], store: TieredStore) {
    let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    let encoder = JSONEncoder()
    let batch = entries.compactMap { entry -> (StoreKey, [UInt8])? in
      guard let data = try? encoder.encode(entry) else { return nil }
      let key = "\(entry.fingerprint):\(String(format: "%015lld", entry.time)):\(run)"
      return (StoreKey(StoreNamespace.history.rawValue, key), Array(data))
    }
    store.setMany(batch, ttl: ttl)
  }

  /// Trends for one fingerprint (a prefix is enough) or for all, oldest entry first.
  public static func trends(in store: TieredStore, fingerprint: String? = nil, since: Date? = nil) -> [HistoryTrend] {
    let decoder = JSONDecoder()
    let cutoff = since.map { Int64($0.timeIntervalSince1970 * 1_000) } ?? 0
    var byFingerprint: [String: [HistoryEntry]] = [:]
    for (_, payload) in store.scan(.history, prefix: fingerprint ?? "") {
      guard let entry = try? decoder.decode(HistoryEntry.self, from: Data(payload)), entry.time >= cutoff else { continue }
      byFingerprint[entry.fingerprint, default: []].append(entry)
    }
    return byFingerprint.map { fingerprint, entries in
      let sorted = entries.sorted { $0.time < $1.time }
      return HistoryTrend(fingerprint: fingerprint, query: sorted.last?.query ?? "", entries: sorted)
    }
  }

  /// Node types, relations, indexes and join types, depth-first: equal for the same plan
  /// whatever its costs.
  public static func planShape(_ root: PlanNode) -> String {
    var hash = StableHash()
    var stack: [(PlanNode, Int)] = [(root, 0)]
    while let (node, depth) = stack.popLast() {
      hash.add("\(depth)|\(node.nodeType)|\(node.relationName ?? "")|\(node.indexName ?? "")|\(node.joinType ?? "")")
      for child in node.plans.reversed() { stack.append((child, depth + 1)) }
    }
    return String(hash.hex.prefix(16))
  }

  static func shortened(_ sql: String, limit: Int = 200) -> String {
    let collapsed = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    return collapsed.count > limit ? String(collapsed.prefix(limit - 1)) + "…" : collapsed
  }
}
