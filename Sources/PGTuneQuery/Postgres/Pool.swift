import Foundation
import Synchronization

/// Counters over all connections of a run, for `--verbose` and the JSON `summary.pool`.
public struct PoolStatistics: Sendable, Equatable {
  public var connectionsOpened = 0
  public var queries = 0
  public var errors = 0
  public var reconnects = 0
  public var totalLatency: Double = 0
  public var maxLatency: Double = 0

  public init() {}

  /// Mean round-trip time of a query, in milliseconds.
  public var meanLatency: Double { queries == 0 ? 0 : totalLatency / Double(queries) }
}

/// Connections for worker threads: each worker holds one (a libpq connection must not be shared
/// between threads), opens it lazily, replaces it when it breaks, and recycles it after
/// `maxQueriesPerConnection` statements. Once a reconnect fails the pool is marked down, so the
/// remaining statements fail at once instead of each waiting for a timeout.
public final class ConnectionPool: Sendable {
  public let conninfo: String
  public let settings: SessionSettings
  public let maxQueriesPerConnection: Int
  private let state = Mutex(State())

  private struct State {
    var statistics = PoolStatistics()
    var downError: PostgresError?
  }

  public init(conninfo: String, settings: SessionSettings, maxQueriesPerConnection: Int = 1_000) {
    self.conninfo = conninfo
    self.settings = settings
    self.maxQueriesPerConnection = max(1, maxQueriesPerConnection)
  }

  public var statistics: PoolStatistics { state.withLock { $0.statistics } }

  /// The error that took the server away, once it is gone.
  public var downError: PostgresError? { state.withLock { $0.downError } }

  /// Opens a connection (counted) with the session settings.
  public func connect() throws(PostgresError) -> PostgresConnection {
    do {
      let connection = try PostgresConnection.open(conninfo: conninfo, settings: settings)
      state.withLock { $0.statistics.connectionsOpened += 1 }
      return connection
    } catch {
      state.withLock { $0.statistics.errors += 1 }
      throw error
    }
  }

  func record(latency: Double, failed: Bool) {
    state.withLock {
      $0.statistics.queries += 1
      $0.statistics.totalLatency += latency
      $0.statistics.maxLatency = max($0.statistics.maxLatency, latency)
      if failed { $0.statistics.errors += 1 }
    }
  }

  func markDown(_ error: PostgresError) {
    state.withLock { if $0.downError == nil { $0.downError = error } }
  }

  func countReconnect() { state.withLock { $0.statistics.reconnects += 1 } }
}

/// A worker's slot in the pool: its current connection and how much it has been used.
public final class PooledSession {
  private let pool: ConnectionPool
  private var connection: PostgresConnection?
  private var used = 0

  /// A session that starts with `connection` (opened ahead, see `ConnectionHandoff`), or opens
  /// one on first use.
  public init(pool: ConnectionPool, connection: PostgresConnection? = nil) {
    self.pool = pool
    self.connection = connection
  }

  /// Runs `work` on a healthy connection. A connection-level failure gets one more try on a new
  /// connection; if that cannot be opened the pool is marked down.
  public func run<T>(_ work: (PostgresConnection) throws(PostgresError) -> T) throws(PostgresError) -> T {
    if let error = pool.downError { throw error }
    var attempt = 0
    while true {
      attempt += 1
      let connection = try current()
      let started = Date()
      do {
        let result = try work(connection)
        pool.record(latency: Date().timeIntervalSince(started) * 1000, failed: false)
        used += 1
        return result
      } catch {
        pool.record(latency: Date().timeIntervalSince(started) * 1000, failed: true)
        // A server that stopped answering is not asked again: every later statement would wait
        // out the same deadline (and a reconnect its connect timeout).
        if error.kind == .unresponsive {
          self.connection = nil
          pool.markDown(error)
          throw error
        }
        guard error.kind == .connection || !connection.isHealthy else { throw error }
        self.connection = nil
        guard attempt == 1 else {
          pool.markDown(error)
          throw error
        }
        pool.countReconnect()
      }
    }
  }

  private func current() throws(PostgresError) -> PostgresConnection {
    if let connection, connection.isHealthy, used < pool.maxQueriesPerConnection { return connection }
    connection?.close()
    connection = nil
    used = 0
    do {
      let fresh = try pool.connect()
      connection = fresh
      return fresh
    } catch {
      pool.markDown(error)
      throw error
    }
  }

  /// Closes the connection.
  public func close() {
    connection?.close()
    connection = nil
  }
}

/// Connections opened by one thread for the workers of a run: each worker takes one.
public final class ConnectionHandoff: @unchecked Sendable {
  private let lock = NSLock()
  private var connections: [PostgresConnection] = []

  public init() {}

  public var count: Int { lock.withLock { connections.count } }

  func add(_ connection: PostgresConnection) { lock.withLock { connections.append(connection) } }

  /// One connection for a worker, or nil when none is left (the worker opens its own).
  func take() -> PostgresConnection? { lock.withLock { connections.popLast() } }

  /// Closes those no worker took (a run with fewer statements than connections).
  func closeAll() {
    lock.withLock {
      for connection in connections { connection.close() }
      connections.removeAll()
    }
  }
}

extension PostgresError {
  /// The server refused a connection for want of a slot (SQLSTATE 53300): `max_connections`
  /// reached, slots reserved for superusers, or the role's or database's CONNECTION LIMIT.
  public static func isOutOfSlots(_ error: PostgresError) -> Bool {
    error.sqlState == "53300" || error.message.contains("too many connections")
      || error.message.contains("remaining connection slots are reserved")
  }
}
