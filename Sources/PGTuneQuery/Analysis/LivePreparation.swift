import Foundation

/// The first connection of a live run (catalog facts, hypopg, cache signatures), made on a
/// thread of its own so that the round trips overlap with parsing the files.
public final class LivePreparation: @unchecked Sendable {
  let pool: ConnectionPool
  private let finished = DispatchSemaphore(value: 0)
  private var outcome: Result<LiveAnalyzer.Setup, ConnectionFailure>?

  private init(pool: ConnectionPool) { self.pool = pool }

  public static func start(_ options: LiveOptions) -> LivePreparation {
    let preparation = LivePreparation(
      pool: ConnectionPool(
        conninfo: options.conninfo, settings: options.session, maxQueriesPerConnection: options.maxQueriesPerConnection))
    let thread = Thread {
      do throws(ConnectionFailure) {
        preparation.outcome = .success(try LiveAnalyzer.prepare(pool: preparation.pool, options: options))
      } catch {
        preparation.outcome = .failure(error)
      }
      preparation.finished.signal()
    }
    thread.start()
    return preparation
  }

  func wait() throws(ConnectionFailure) -> LiveAnalyzer.Setup {
    finished.wait()
    finished.signal()
    switch outcome {
    case .success(let setup): return setup
    case .failure(let error): throw error
    case nil: preconditionFailure("signalled without an outcome")
    }
  }
}
