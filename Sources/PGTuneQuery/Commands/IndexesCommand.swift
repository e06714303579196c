/// What `indexes` is asked to do.
public struct IndexesRequest: Sendable {
  public var conninfo: String
  public var session = SessionSettings()

  public init(conninfo: String) { self.conninfo = conninfo }
}

/// The verdicts on a database's existing indexes.
public struct IndexesOutcome: Sendable {
  public var verdicts: [IndexVerdict] = []
  /// How many indexes were looked at.
  public var checked = 0
  public var statsReset: String?
  public var diagnostics: [Diagnostic] = []
  public var status: CommandStatus = .success
}

/// `indexes`: existing-index health from the catalog. It reads, it never drops anything.
public enum IndexesCommand {
  public static func run(_ request: IndexesRequest) -> IndexesOutcome {
    var outcome = IndexesOutcome()
    do {
      let connection = try PostgresConnection.open(conninfo: request.conninfo, settings: request.session)
      defer { connection.close() }
      let (indexes, reset) = try IndexInventory.load(from: connection)
      outcome.checked = indexes.count
      outcome.statsReset = reset
      outcome.verdicts = IndexHealth.review(indexes, statsReset: reset)
    } catch where error.kind == .query {
      outcome.diagnostics.append(Diagnostic(.error, "reading the index catalog failed: \(error.message)"))
      outcome.status = .database
    } catch {
      outcome.diagnostics.append(
        Diagnostic(.error, ConnectionFailure(error: error, conninfoDescription: ConninfoDescription.describe(request.conninfo)).message))
      outcome.status = .database
    }
    return outcome
  }
}
