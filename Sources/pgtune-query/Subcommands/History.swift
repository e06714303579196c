import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension StoreNamespace: ExpressibleByArgument {}

extension PGTuneQueryCommand {
  /// `pgtune-query history [FINGERPRINT]`: per-query trends from the store.
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show how queries' plans and timings changed over runs.",
      discussion: """
        Every analyze or check run with a database, and every report run, appends per-query \
        measurements to the store (plan cost, estimated rows, plan shape, indexes used; calls, \
        mean and percentiles from logs). Without a fingerprint, lists the queries with the \
        largest latest cost; with one (a prefix is enough), shows each run of that query.
        """)

    @Argument(help: ArgumentHelp("A query fingerprint or its first characters.", valueName: "fingerprint"))
    var fingerprint: String?

    @Option(help: ArgumentHelp("Queries listed without a fingerprint.", valueName: "n"))
    var top = 20

    @Option(help: ArgumentHelp("Only entries since this date (YYYY-MM-DD or ISO 8601).", valueName: "date"))
    var since: String?

    @Option(help: "Output format.")
    var format: HistoryFormat = .text

    @OptionGroup(title: "Store") var store: StoreOptions

    func validate() throws {
      if top < 1 { throw ValidationError("--top must be at least 1") }
      if let since, Self.date(since) == nil { throw ValidationError("--since: not a date: \(since)") }
      if store.disabled { throw ValidationError("history reads the store; --no-store leaves nothing to read") }
    }

    /// `2026-11-29`, `2026-11-29T10:00:00Z` or `2026-11-29 10:00:00` (UTC).
    static func date(_ text: String) -> Date? {
      let formatter = ISO8601DateFormatter()
      if let date = formatter.date(from: text.replacingOccurrences(of: " ", with: "T") + (text.contains("Z") ? "" : "Z")) {
        return date
      }
      formatter.formatOptions = [.withFullDate]
      return formatter.date(from: text)
    }

    func run() throws {
      guard let tiers = store.open() else { return }
      defer { store.finish(tiers) }
      var trends = MetricsHistory.trends(in: tiers, fingerprint: fingerprint, since: since.flatMap(Self.date))
      trends.sort { ($0.costs.last ?? $0.entries.last?.totalMs ?? 0) > ($1.costs.last ?? $1.entries.last?.totalMs ?? 0) }
      if fingerprint == nil { trends = Array(trends.prefix(top)) }
      if let fingerprint, trends.isEmpty {
        Terminal.error("no history for fingerprint \(fingerprint)")
        throw ExitStatus.noQueries.exitCode
      }
      switch format {
      case .text: Terminal.write(HistoryReporter.renderText(trends, detailed: fingerprint != nil))
      case .json: Terminal.write(HistoryReporter.renderJSON(trends))
      }
    }
  }

  /// `pgtune-query cache stats|clear|vacuum`.
  struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Inspect, clear or compact the store.",
      subcommands: [Stats.self, Clear.self, Vacuum.self])

    struct Stats: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Per tier: entries, bytes, and hits, misses, writes, errors, evictions and mean latency over all runs.")

      @Option(help: "Output format.")
      var format: HistoryFormat = .text

      @OptionGroup(title: "Store") var store: StoreOptions

      func run() throws {
        guard let tiers = store.open() else { return }
        let totals = (tiers.tiers.first { $0 is SQLiteTier } as? SQLiteTier).flatMap { try? $0.storedCounters() } ?? [:]
        var reports: [TierReport] = []
        for (index, tier) in tiers.tiers.enumerated() {
          let usage = try? tier.usage()
          reports.append(
            TierReport(
              kind: tier.kind, location: tier.location, usage: usage, counters: totals[tier.kind] ?? TierCounters(),
              available: !tiers.isDown(index) && usage != nil))
        }
        store.showWarnings(tiers)
        switch format {
        case .text: Terminal.write(CacheStatsReporter.renderText(reports))
        case .json: Terminal.write(CacheStatsReporter.renderJSON(reports))
        }
      }
    }

    struct Clear: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Remove stored entries from every tier.")

      @Option(help: ArgumentHelp("Only this namespace: analysis, history or report.", valueName: "namespace"))
      var namespace: StoreNamespace?

      @OptionGroup(title: "Store") var store: StoreOptions

      func run() throws {
        guard let tiers = store.open() else { return }
        tiers.clear(namespace)
        store.showWarnings(tiers)
        let what = namespace.map { "\($0.rawValue) entries" } ?? "all entries"
        Terminal.writeError("pgtune-query: cleared \(what) from \(tiers.tiers.map(\.location).joined(separator: ", "))")
      }
    }

    struct Vacuum: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Drop expired entries and give the local file's free space back.")

      @OptionGroup(title: "Store") var store: StoreOptions

      func run() throws {
        guard let tiers = store.open() else { return }
        let dropped = tiers.vacuum()
        store.showWarnings(tiers)
        for (tier, count) in zip(tiers.tiers, dropped) {
          Terminal.write("\(tier.kind) \(tier.location): \(count.map { "\($0) expired entries dropped" } ?? "unavailable")\n")
        }
      }
    }
  }
}

enum HistoryFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}
