import Foundation
import Synchronization

/// L2, the embedded default: one SQLite file in WAL mode, shared safely by concurrent processes
/// (SQLite's locking plus a busy timeout). The schema is versioned (`PRAGMA user_version`) and
/// migrated forward in one immediate transaction, so two processes starting at once agree.
///
/// A file that is not a database, is damaged, or belongs to another program is never opened as
/// ours: it is moved aside to `<name>.corrupt-<time>`, a new store is created, and a warning says
/// so. The same happens when damage is only found later, in the middle of a run; the operation is
/// then retried on the new file, so the run's own results are kept.
public final class SQLiteTier: StoreTier, @unchecked Sendable {
  public let kind = "sqlite"
  public let location: String
  /// `PRAGMA application_id`: "PGTQ".
  static let applicationID: Int64 = 0x5047_5451
  static let migrations: [String] = [
    """
    CREATE TABLE entries (
      namespace TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
      expires_at INTEGER, updated_at INTEGER NOT NULL,
      PRIMARY KEY (namespace, key)) WITHOUT ROWID;
    CREATE INDEX entries_expiry ON entries (expires_at) WHERE expires_at IS NOT NULL;
    CREATE TABLE tier_counters (
      tier TEXT PRIMARY KEY, hits INTEGER NOT NULL, misses INTEGER NOT NULL, writes INTEGER NOT NULL,
      errors INTEGER NOT NULL, evictions INTEGER NOT NULL, latency_ns INTEGER NOT NULL, operations INTEGER NOT NULL);
    """
  ]

  /// One connection, used under the lock (SQLite handles other processes itself).
  private let lock = NSLock()
  private var connection: Connection
  private let warnings: WarningSink
  private let clock: StoreClock

  /// Opens (creating, migrating or rebuilding as needed) the store at `path`.
  public init(path: String, warnings: WarningSink = WarningSink(), clock: StoreClock = .system) throws(StoreError) {
    self.clock = clock
    location = path
    self.warnings = warnings
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    connection = try Self.openOrRebuild(path: path, warnings: warnings)
    // Statements and log samples can hold customer data: the file is the user's alone (its WAL
    // and shared-memory files are created by SQLite with the same mode).
    chmod(path, 0o600)
  }

  /// The default location: `$PGTUNE_QUERY_STORE`, else `$XDG_CACHE_HOME/pgtune-query/store.sqlite`,
  /// else `~/.cache/pgtune-query/store.sqlite`.
  public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let path = environment["PGTUNE_QUERY_STORE"], !path.isEmpty { return path }
    let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".cache")
    return ((cache as NSString).appendingPathComponent("pgtune-query") as NSString).appendingPathComponent("store.sqlite")
  }

  public func get(_ key: StoreKey) throws(StoreError) -> [UInt8]? {
    let rows = try run { db throws(SQLiteError) in
      try db.query(
        "SELECT value FROM entries WHERE namespace = ?1 AND key = ?2 AND (expires_at IS NULL OR expires_at > ?3)",
        [.text(key.namespace), .text(key.key), .integer(clock.now())])
    }
    return rows.first?.first?.blob
  }

  public func set(_ key: StoreKey, _ value: [UInt8], ttl: Int?) throws(StoreError) {
    let now = clock.now()
    try run { db throws(SQLiteError) in
      try db.query(
        """
        INSERT INTO entries (namespace, key, value, expires_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (namespace, key) DO UPDATE
          SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at
        """,
        [.text(key.namespace), .text(key.key), .blob(value), ttl.map { .integer(now + Int64($0) * 1_000) } ?? .null, .integer(now)])
    }
  }

  /// One immediate transaction for the lot: a run's history is one commit, not hundreds.
  public func setMany(_ entries: [(key: StoreKey, value: [UInt8], ttl: Int?)]) throws(StoreError) {
    let now = clock.now()
    try run { db throws(SQLiteError) in
      try db.execute("BEGIN IMMEDIATE")
      do throws(SQLiteError) {
        for (key, value, ttl) in entries {
          try db.query(
            """
            INSERT INTO entries (namespace, key, value, expires_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (namespace, key) DO UPDATE
              SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at
            """,
            [.text(key.namespace), .text(key.key), .blob(value), ttl.map { .integer(now + Int64($0) * 1_000) } ?? .null, .integer(now)])
        }
        try db.execute("COMMIT")
      } catch {
        try? db.execute("ROLLBACK")
        throw error
      }
    }
  }

  public func delete(_ key: StoreKey) throws(StoreError) {
    try run { db throws(SQLiteError) in
      try db.query("DELETE FROM entries WHERE namespace = ?1 AND key = ?2", [.text(key.namespace), .text(key.key)])
    }
  }

  public func scan(namespace: String, prefix: String) throws(StoreError) -> [(key: String, value: [UInt8])] {
    // Keys are ASCII; U+FFFF sorts after all of them under SQLite's byte-wise comparison.
    let rows = try run { db throws(SQLiteError) in
      try db.query(
        """
        SELECT key, value FROM entries WHERE namespace = ?1 AND key >= ?2 AND key < ?3
          AND (expires_at IS NULL OR expires_at > ?4) ORDER BY key
        """,
        [.text(namespace), .text(prefix), .text(prefix + "\u{FFFF}"), .integer(clock.now())])
    }
    return rows.compactMap { row in
      guard let key = row[0].text, let value = row[1].blob else { return nil }
      return (key, value)
    }
  }

  public func clear(namespace: String?) throws(StoreError) {
    try run { db throws(SQLiteError) in
      if let namespace {
        try db.query("DELETE FROM entries WHERE namespace = ?1", [.text(namespace)])
      } else {
        try db.query("DELETE FROM entries")
        try db.query("DELETE FROM tier_counters")
      }
    }
  }

  public func vacuum() throws(StoreError) -> Int {
    try run { db throws(SQLiteError) in
      try db.query("DELETE FROM entries WHERE expires_at IS NOT NULL AND expires_at <= ?1", [.integer(clock.now())])
      let dropped = db.changes
      try db.execute("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
      return dropped
    }
  }

  public func usage() throws(StoreError) -> TierUsage {
    let rows = try run { db throws(SQLiteError) in
      try db.query(
        "SELECT count(*), coalesce(sum(length(value)), 0) FROM entries WHERE expires_at IS NULL OR expires_at > ?1",
        [.integer(clock.now())])
    }
    return TierUsage(entries: rows.first?[0].integer.map(Int.init), bytes: rows.first?[1].integer.map(Int.init))
  }

  /// Adds a run's per-tier counters to the totals kept in the file (for `cache stats`).
  public func addCounters(_ counters: [String: TierCounters]) throws(StoreError) {
    try run { db throws(SQLiteError) in
      try db.execute("BEGIN IMMEDIATE")
      do throws(SQLiteError) {
        for (tier, c) in counters {
          try db.query(
            """
            INSERT INTO tier_counters VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            ON CONFLICT (tier) DO UPDATE SET hits = hits + excluded.hits, misses = misses + excluded.misses,
              writes = writes + excluded.writes, errors = errors + excluded.errors,
              evictions = evictions + excluded.evictions, latency_ns = latency_ns + excluded.latency_ns,
              operations = operations + excluded.operations
            """,
            [
              .text(tier), .integer(Int64(c.hits)), .integer(Int64(c.misses)), .integer(Int64(c.writes)),
              .integer(Int64(c.errors)), .integer(Int64(c.evictions)), .integer(Int64(c.latencyNanoseconds)),
              .integer(Int64(c.operations)),
            ])
        }
        try db.execute("COMMIT")
      } catch {
        try? db.execute("ROLLBACK")
        throw error
      }
    }
  }

  /// Counters of every run so far, by tier kind.
  public func storedCounters() throws(StoreError) -> [String: TierCounters] {
    let rows = try run { db throws(SQLiteError) in
      try db.query("SELECT tier, hits, misses, writes, errors, evictions, latency_ns, operations FROM tier_counters")
    }
    var result: [String: TierCounters] = [:]
    for row in rows {
      guard let tier = row[0].text else { continue }
      let numbers = row.dropFirst().map { Int($0.integer ?? 0) }
      result[tier] = TierCounters(
        hits: numbers[0], misses: numbers[1], writes: numbers[2], errors: numbers[3], evictions: numbers[4],
        latencyNanoseconds: numbers[5], operations: numbers[6])
    }
    return result
  }

  // MARK: - Opening, migrating, recovering

  /// The open connection and the identity of the file it opened, to tell whether another
  /// process already replaced a damaged file before this one tries to.
  private struct Connection {
    var database: SQLiteDatabase
    var inode: UInt64?
  }

  /// Runs `body`; damage found on the way moves the file aside, rebuilds it and runs `body` again.
  @discardableResult
  private func run<T>(_ body: (SQLiteDatabase) throws(SQLiteError) -> T) throws(StoreError) -> T {
    lock.lock()
    defer { lock.unlock() }
    do throws(SQLiteError) {
      return try body(connection.database)
    } catch let error where error.isCorruption {
      connection.database.close()
      if Self.inode(of: location) == connection.inode {
        Self.moveAside(location, reason: error.message, warnings: warnings)
      }
      connection = try Self.openOrRebuild(path: location, warnings: warnings)
      do throws(SQLiteError) {
        return try body(connection.database)
      } catch {
        throw StoreError(tier: "sqlite", "\(location): \(error.message)")
      }
    } catch {
      throw StoreError(tier: "sqlite", "\(location): \(error.message)")
    }
  }

  private static func openOrRebuild(path: String, warnings: WarningSink) throws(StoreError) -> Connection {
    for attempt in 0..<2 {
      do {
        let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 10_000)
        let inode = inode(of: path)
        do {
          try prepare(database)
          return Connection(database: database, inode: inode)
        } catch let problem as ForeignFile {
          database.close()
          guard attempt == 0, problem.replaceable else { throw StoreError(tier: "sqlite", "\(path): \(problem.reason)") }
          moveAside(path, reason: problem.reason, warnings: warnings)
        }
      } catch let error as SQLiteError where error.isCorruption && attempt == 0 {
        moveAside(path, reason: error.message, warnings: warnings)
      } catch let error as SQLiteError {
        throw StoreError(tier: "sqlite", "\(path): \(error.message)")
      } catch let error as StoreError {
        throw error
      } catch {
        throw StoreError(tier: "sqlite", "\(path): \(error)")
      }
    }
    throw StoreError(tier: "sqlite", "\(path): could not be rebuilt")
  }

  private struct ForeignFile: Error {
    let reason: String
    /// False for a newer pgtune-query's store: that one is left alone, and this tier is skipped.
    var replaceable = true
  }

  /// Checks the file is ours (or empty), applies missing migrations, then sets WAL. The check
  /// and the migration share one immediate transaction: two processes creating the store at
  /// once must not see each other's half-made schema as a foreign database. WAL is switched on
  /// only once the file is known to be ours, so another program's database is never modified.
  private static func prepare(_ database: SQLiteDatabase) throws {
    try database.execute("BEGIN IMMEDIATE")
    do {
      let application = try database.query("PRAGMA application_id").first?.first?.integer ?? 0
      let objects = try database.query("SELECT count(*) FROM sqlite_master").first?.first?.integer ?? 0
      if application != applicationID && (application != 0 || objects > 0) {
        throw ForeignFile(reason: "not a pgtune-query store (another program's SQLite database)")
      }
      let version = Int(try database.query("PRAGMA user_version").first?.first?.integer ?? 0)
      if version > migrations.count {
        throw ForeignFile(
          reason: "written by a newer pgtune-query (store schema \(version), this one knows \(migrations.count))",
          replaceable: false)
      }
      if version < migrations.count {
        for migration in migrations.dropFirst(version) { try database.execute(migration) }
        try database.execute("PRAGMA user_version = \(migrations.count); PRAGMA application_id = \(applicationID)")
      }
      try database.execute("COMMIT")
    } catch {
      try? database.execute("ROLLBACK")
      throw error
    }
    try switchToWAL(database)
    try database.execute("PRAGMA synchronous = NORMAL")
  }

  /// Switching a new file to WAL needs the file to itself for a moment, and SQLite answers
  /// "database is locked" at once, without its busy timeout, while a second process that opened
  /// the same new store is still reading it: two runs started together then lost the store
  /// (a warning, no cache). Retried for as long as the busy timeout would wait.
  private static func switchToWAL(_ database: SQLiteDatabase) throws(SQLiteError) {
    let deadline = Date().addingTimeInterval(10)
    while true {
      let outcome = Result { () throws(SQLiteError) in try database.query("PRAGMA journal_mode = WAL") }
      guard case .failure(let error) = outcome else { return }
      guard error.isBusy, Date() < deadline else { throw error }
      usleep(10_000)
    }
  }

  private static func moveAside(_ path: String, reason: String, warnings: WarningSink) {
    let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
    let target = "\(path).corrupt-\(stamp)"
    let manager = FileManager.default
    if (try? manager.moveItem(atPath: path, toPath: target)) != nil {
      for suffix in ["-wal", "-shm"] { try? manager.moveItem(atPath: path + suffix, toPath: target + suffix) }
      warnings.add("store \(path) was unusable (\(reason)); moved it to \(target) and started a new one")
    } else {
      for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: path + suffix) }
    }
  }

  private static func inode(of path: String) -> UInt64? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value
  }
}
