import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension PGTuneQueryCommand {
  /// `pgtune-query warm`: analyze the most expensive logged queries ahead of time.
  struct Warm: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "warm",
      abstract: "Analyze the costliest logged queries ahead of time, so analyze and check find them cached.",
      discussion: """
        Takes the queries of the report runs recorded in the store (or of the logs given, - for \
        standard input), orders them by calls × mean time, and analyzes the top N against the \
        database like analyze --dsn does, storing each result. Entries still fresh in the \
        store are skipped. Statements that fail for a transient reason (timeout, lock wait, \
        lost connection) are retried with exponential backoff. The text analyzed is each \
        query's slowest logged sample, so a later analyze of that same statement is a cache hit.
        """)

    @Argument(
      help: ArgumentHelp("Logs to take the queries from (default: the stored report runs).", valueName: "log"), completion: .file())
    var logs: [String] = []

    @Option(help: ArgumentHelp("How many queries to analyze.", valueName: "n"))
    var top = 50

    @Option(help: ArgumentHelp("Database connections analyzing in parallel.", valueName: "n"))
    var jobs = 2

    @Option(help: ArgumentHelp("Retries of a statement that failed transiently (backoff 0.5 s, 1 s, 2 s…).", valueName: "n"))
    var retries = 3

    @OptionGroup var rules: RuleOptions

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @OptionGroup(title: "Store") var store: StoreOptions

    @OptionGroup(title: "Cache") var cache: CacheOptions

    func validate() throws {
      if top < 1 { throw ValidationError("--top must be at least 1") }
      if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
      if retries < 0 { throw ValidationError("--retries must not be negative") }
      if database.resolvedDSN == nil { throw ValidationError("warm needs a database (--dsn or PGTUNE_QUERY_DSN)") }
      if store.disabled { throw ValidationError("warm fills the store; --no-store leaves nothing to fill") }
    }

    func run() throws {
      let configuration = try RuleOptions.configuration(rules, database)
      guard let tiers = store.open(cache: cache) else { return }
      defer { store.finish(tiers) }
      var live = database.liveOptions(conninfo: database.resolvedDSN ?? "", jobs: jobs)
      cache.apply(to: &live, store: tiers)
      let bar = ProgressBar("warming")
      live.progress = { done, total in bar.update(done, of: total) }
      var request = WarmRequest(configuration: configuration, live: live)
      request.logs = logs
      request.top = top
      request.retries = retries
      let outcome = WarmCommand.run(request)
      bar.clear()
      if !outcome.items.isEmpty { Terminal.write(WarmReporter.text(outcome)) }
      Terminal.show(outcome.diagnostics)
      try outcome.status.exit()
    }
  }
}
