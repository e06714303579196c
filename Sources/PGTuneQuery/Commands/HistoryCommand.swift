import Foundation

/// What `history` is asked for.
public struct HistoryRequest: Sendable {
  public var store: TieredStore
  /// One query's runs; nil: the `top` queries with the highest latest cost.
  public var fingerprint: String?
  public var since: Date?
  public var top = 20

  public init(store: TieredStore) { self.store = store }
}

/// The trends `history` shows.
public struct HistoryOutcome: Sendable {
  public var trends: [HistoryTrend] = []
  public var diagnostics: [Diagnostic] = []
  public var status: CommandStatus = .success
}

/// `history`: how queries' plans and costs changed over the recorded runs.
public enum HistoryCommand {
  public static func run(_ request: HistoryRequest) -> HistoryOutcome {
    var outcome = HistoryOutcome()
    var trends = MetricsHistory.trends(in: request.store, fingerprint: request.fingerprint, since: request.since)
    trends.sort { ($0.costs.last ?? $0.entries.last?.totalMs ?? 0) > ($1.costs.last ?? $1.entries.last?.totalMs ?? 0) }
    if request.fingerprint == nil { trends = Array(trends.prefix(request.top)) }
    if let fingerprint = request.fingerprint, trends.isEmpty {
      // Nothing recorded for that query is an answer, not a failure of the tool.
      outcome.diagnostics.append(Diagnostic(.note, "no history for fingerprint \(fingerprint)"))
    }
    outcome.trends = trends
    return outcome
  }

  /// `2026-11-29`, `2026-11-29T10:00:00Z` or `2026-11-29 10:00:00` (UTC).
  public static func date(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text.replacingOccurrences(of: " ", with: "T") + (text.contains("Z") ? "" : "Z")) {
      return date
    }
    formatter.formatOptions = [.withFullDate]
    return formatter.date(from: text)
  }
}

/// `cache stats|clear|vacuum`: the store's tiers.
public enum CacheCommand {
  /// Per tier: what it holds and its counters over all runs.
  public static func stats(_ store: TieredStore) -> [TierReport] {
    let totals = (store.tiers.first { $0 is SQLiteTier } as? SQLiteTier).flatMap { try? $0.storedCounters() } ?? [:]
    return store.tiers.enumerated().map { index, tier in
      let usage = try? tier.usage()
      return TierReport(
        kind: tier.kind, location: tier.location, usage: usage, counters: totals[tier.kind] ?? TierCounters(),
        available: !store.isDown(index) && usage != nil)
    }
  }

  /// Removes entries (of one namespace, or all) from every tier; what was cleared, in words.
  public static func clear(_ store: TieredStore, namespace: StoreNamespace?) -> Diagnostic {
    store.clear(namespace)
    let what = namespace.map { "\($0.rawValue) entries" } ?? "all entries"
    return Diagnostic(.note, "cleared \(what) from \(store.tiers.map(\.location).joined(separator: ", "))")
  }

  /// Drops expired entries; per tier, how many (nil: the tier was unavailable).
  public static func vacuum(_ store: TieredStore) -> [(tier: any StoreTier, dropped: Int?)] {
    Array(zip(store.tiers, store.vacuum())).map { ($0, $1) }
  }
}

/// One tier's line in `cache stats`.
public struct TierReport: Sendable {
  public let kind: String
  public let location: String
  public let usage: TierUsage?
  /// Totals of every run recorded in the local store, for this kind of tier.
  public let counters: TierCounters
  public let available: Bool

  public init(kind: String, location: String, usage: TierUsage?, counters: TierCounters, available: Bool) {
    self.kind = kind
    self.location = location
    self.usage = usage
    self.counters = counters
    self.available = available
  }

  public var hitRatio: Double? {
    let lookups = counters.hits + counters.misses
    return lookups == 0 ? nil : Double(counters.hits) / Double(lookups)
  }
}
