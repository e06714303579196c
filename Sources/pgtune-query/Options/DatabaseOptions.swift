import ArgumentParser
import Foundation
import PGTuneQuery

/// A duration on the command line: `30s`, `500ms`, `2min`, `1h`, or a plain number of
/// milliseconds (as PostgreSQL reads `statement_timeout`).
struct Milliseconds: ExpressibleByArgument, Equatable {
  let value: Int

  init(_ value: Int) { self.value = value }

  init?(argument: String) {
    let units: [(String, Int)] = [("ms", 1), ("min", 60_000), ("s", 1_000), ("h", 3_600_000)]
    for (suffix, factor) in units where argument.hasSuffix(suffix) {
      guard let number = Double(argument.dropLast(suffix.count)), number >= 0 else { return nil }
      value = Int(number * Double(factor))
      return
    }
    guard let number = Int(argument), number >= 0 else { return nil }
    value = number
  }

  var defaultValueDescription: String { "\(value)ms" }
}

/// How to reach the database and how far EXPLAIN may go.
struct DatabaseOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Database to EXPLAIN against: a conninfo ('host=… dbname=…') or URI (postgresql://…); an empty string uses libpq's defaults (PG* variables, ~/.pgpass, service files). Default: $PGTUNE_QUERY_DSN.",
      valueName: "conninfo"))
  var dsn: String?

  @Flag(help: "EXPLAIN ANALYZE: run each statement inside a transaction that is always rolled back.")
  var analyze = false

  @Flag(help: "With --analyze, also run data-modifying statements (still rolled back).")
  var allowWritesInRollback = false

  @Option(help: ArgumentHelp("statement_timeout of every session (default 30s).", valueName: "duration"))
  var statementTimeout: Milliseconds?

  @Option(help: ArgumentHelp("lock_timeout of every session (default 10s).", valueName: "duration"))
  var lockTimeout: Milliseconds?

  @Option(help: ArgumentHelp("Seconds to wait for a connection (default 10).", valueName: "seconds"))
  var connectTimeout: Int?

  @Option(help: ArgumentHelp("Open a new connection after this many statements (default 1000).", valueName: "n"))
  var maxQueriesPerConnection: Int?

  @Option(help: ArgumentHelp("Tables with at least this many rows count as large (default 10000).", valueName: "rows"))
  var largeTableRows: Int?

  @Option(help: ArgumentHelp("Report plans whose total cost is above this (default 100000).", valueName: "cost"))
  var maxCost: Double?

  @Option(help: ArgumentHelp("Suggest an index only if it cuts the cost by at least this percentage (default 30).", valueName: "percent"))
  var minSavings: Double?

  @Option(
    help: ArgumentHelp(
      "Seconds to wait for any answer of the server before giving up on it (default: --statement-timeout + 5 s). Bounds a run against a frozen server or a broken network.",
      valueName: "seconds"))
  var clientTimeout: Double?

  @Flag(help: "Do not suggest indexes.")
  var noIndexAdvice = false

  @Flag(help: "Run CREATE EXTENSION hypopg when it is missing (the only change this tool makes to a database, and only when asked).")
  var enableHypopg = false

  @Flag(name: .shortAndLong, help: "Print connection pool statistics on standard error.")
  var verbose = false

  func validate() throws {
    if allowWritesInRollback && !analyze {
      throw ValidationError("--allow-writes-in-rollback only means something with --analyze")
    }
    if let connectTimeout, connectTimeout < 1 { throw ValidationError("--connect-timeout must be at least 1") }
    if let dsn = resolvedDSN, let problem = PostgresConnection.conninfoProblem(dsn) {
      throw ValidationError("--dsn: \(problem)")
    }
    if let clientTimeout, !(clientTimeout > 0) { throw ValidationError("--client-timeout must be more than 0 seconds") }
    if let minSavings, !(0...100).contains(minSavings) { throw ValidationError("--min-savings is a percentage, 0 to 100") }
    if let maxQueriesPerConnection, maxQueriesPerConnection < 1 {
      throw ValidationError("--max-queries-per-connection must be at least 1")
    }
  }

  /// The conninfo to use: --dsn, else $PGTUNE_QUERY_DSN; nil means no database.
  var resolvedDSN: String? { dsn ?? ProcessInfo.processInfo.environment["PGTUNE_QUERY_DSN"] }

  func liveOptions(conninfo: String, jobs: Int) -> LiveOptions {
    var options = LiveOptions(conninfo: conninfo)
    options.jobs = jobs
    options.explain = ExplainOptions(analyze: analyze, allowWritesInRollback: allowWritesInRollback)
    if let statementTimeout { options.session.statementTimeout = statementTimeout.value }
    if let lockTimeout { options.session.lockTimeout = lockTimeout.value }
    if let connectTimeout { options.session.connectTimeout = connectTimeout }
    if let clientTimeout { options.session.clientTimeout = clientTimeout }
    if let maxQueriesPerConnection { options.maxQueriesPerConnection = maxQueriesPerConnection }
    if let largeTableRows { options.largeTableRows = largeTableRows }
    if noIndexAdvice {
      options.advisor = nil
    } else if let minSavings {
      options.advisor?.minSavings = minSavings / 100
    }
    options.enableHypopg = enableHypopg
    return options
  }

  /// Plan-rule thresholds given as flags, applied over the configuration file.
  func apply(to configuration: inout Configuration) {
    if let maxCost { configuration.apply(.maxCost, maxCost) }
    if let largeTableRows { configuration.apply(.largeTableRows, Double(largeTableRows)) }
  }
}

extension DatabaseOptions {
  /// With --verbose: the pool's and the cache's counters on standard error.
  func showStatistics(_ live: LiveSummary?) {
    guard verbose, let live else { return }
    let pool = live.pool
    Terminal.writeError(
      String(
        format: "pgtune-query: pool: %d connections opened, %d queries, %d errors, %d reconnects, latency mean %.1f ms, max %.1f ms",
        pool.connectionsOpened, pool.queries, pool.errors, pool.reconnects, pool.meanLatency, pool.maxLatency))
    if let cache = live.cache { Terminal.writeError("pgtune-query: cache: \(cache.hits) hits, \(cache.misses) misses") }
  }
}
