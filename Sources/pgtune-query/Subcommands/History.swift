import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension StoreNamespace: ExpressibleByArgument {}

extension PGTuneQueryCommand {
  /// `pgtune-query history [FINGERPRINT]`: per-query trends from the store.
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      abstract: "Show how queries' plans and timings changed over runs.",
      discussion: """
        Every analyze or check run with a database, and every report run, appends per-query \
        measurements to the store (plan cost, estimated rows, plan shape, indexes used; calls, \
        mean and percentiles from logs). Without a fingerprint, lists the queries with the \
        largest latest cost; with one (a prefix is enough), shows each run of that query.
        """)

    @Argument(
      help: ArgumentHelp("A query fingerprint or its first characters.", valueName: "fingerprint"),
      completion: .custom { _, _, _ in History.recordedFingerprints() })
    var fingerprint: String?

    @Option(help: ArgumentHelp("Queries listed without a fingerprint.", valueName: "n"))
    var top = 20

    @Option(help: ArgumentHelp("Only entries since this date (YYYY-MM-DD or ISO 8601).", valueName: "date"))
    var since: String?

    @Option(help: FormatChoice<HistoryFormats>.help)
    var format = FormatChoice<HistoryFormats>.named("text")

    @OptionGroup(title: "Store") var store: StoreOptions

    func validate() throws {
      if top < 1 { throw ValidationError("--top must be at least 1") }
      if let since, HistoryCommand.date(since) == nil { throw ValidationError("--since: not a date: \(since)") }
      if store.disabled { throw ValidationError("history reads the store; --no-store leaves nothing to read") }
    }

    /// For shell completion: the fingerprints the default local store has history for, costliest
    /// first (shared tiers are not asked: completion must answer at once).
    @Sendable static func recordedFingerprints() -> [String] {
      var configuration = StoreConfiguration(path: ProcessInfo.processInfo.environment["PGTUNE_QUERY_STORE"] ?? SQLiteTier.defaultPath())
      configuration.sharedURLs = []
      var request = HistoryRequest(store: configuration.open())
      request.top = 200
      return HistoryCommand.run(request).trends.map(\.fingerprint)
    }

    func run() throws {
      guard let tiers = store.open() else { return }
      defer { store.finish(tiers) }
      var request = HistoryRequest(store: tiers)
      request.fingerprint = fingerprint
      request.since = since.flatMap(HistoryCommand.date)
      request.top = top
      let outcome = HistoryCommand.run(request)
      Terminal.write(format.format.render(HistoryReport(trends: outcome.trends, detailed: fingerprint != nil)))
      Terminal.show(outcome.diagnostics)
      try outcome.status.exit()
    }
  }
}
