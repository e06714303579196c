import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension PGTuneQueryCommand {
  /// `pgtune-query indexes --dsn …`: existing-index health.
  struct Indexes: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "indexes",
      abstract: "Find existing indexes that cost writes and space for nothing: invalid, duplicate, redundant, unused.",
      discussion: """
        Reads the catalog only (in a read-only session); it never drops anything. duplicate: same \
        method, keys, operator classes, INCLUDE columns and predicate as another index; redundant: \
        its keys are the leading keys of another B-tree with the same predicate; unused: no index \
        scan since the statistics were reset; invalid: left by a failed CREATE INDEX CONCURRENTLY. \
        Indexes behind a primary key, a unique or another constraint are never called duplicate of \
        a plain index, redundant or unused. --format sql prints DROP INDEX CONCURRENTLY statements \
        with their reasons, to review.
        """)

    @Option(
      help: ArgumentHelp(
        "The database: a conninfo or URI; an empty string uses libpq's defaults (PG* variables, ~/.pgpass, service files). Default: $PGTUNE_QUERY_DSN.",
        valueName: "conninfo"))
    var dsn: String?

    @Option(help: FormatChoice<IndexFormats>.help)
    var format = FormatChoice<IndexFormats>.named("text")

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"), completion: .file())
    var output: String?

    @Option(help: ArgumentHelp("Seconds to wait for a connection (default 10).", valueName: "seconds"))
    var connectTimeout: Int?

    var resolvedDSN: String? { dsn ?? ProcessInfo.processInfo.environment["PGTUNE_QUERY_DSN"] }

    func validate() throws {
      guard let conninfo = resolvedDSN else { throw ValidationError("indexes needs a database (--dsn or PGTUNE_QUERY_DSN)") }
      if let problem = PostgresConnection.conninfoProblem(conninfo) { throw ValidationError("--dsn: \(problem)") }
      if let connectTimeout, connectTimeout < 1 { throw ValidationError("--connect-timeout must be at least 1") }
    }

    func run() throws {
      var request = IndexesRequest(conninfo: resolvedDSN ?? "")
      if let connectTimeout { request.session.connectTimeout = connectTimeout }
      let outcome = IndexesCommand.run(request)
      if outcome.status == .success { try Output.emit(format.format, outcome, to: output) }
      Terminal.show(outcome.diagnostics)
      try outcome.status.exit()
    }
  }
}
