import Foundation

/// The rest of the server's story in a log, beside the queries: connections and sessions,
/// checkpoints, autovacuum and autoanalyze per table, and the events pgBadger lists
/// (shutdowns, crashes, lost clients, refused connections). Every figure is a count or a sum,
/// read from one message at a time (no pairing across lines), so a log read in parts gives the
/// same figures as one read, and reports merge by adding.
public struct ServerActivity: Sendable, Equatable, Codable {
  public struct Maintenance: Sendable, Equatable, Codable {
    public var count = 0
    public var milliseconds = 0.0
    public var removedTuples = 0
    public var removedPages = 0
  }

  public struct Checkpoints: Sendable, Equatable, Codable {
    /// `checkpoint starting: time` / `wal` / `immediate force wait` … by cause.
    public var byCause: [String: Int] = [:]
    /// `checkpoint complete:` lines, with what they wrote and how long they took.
    public var completed = 0
    public var buffers = 0
    public var writeMilliseconds = 0.0
    public var syncMilliseconds = 0.0
    public var totalMilliseconds = 0.0
    public var distanceKB = 0.0
  }

  /// `connection authorized` lines, by database, user and application; `connection received`
  /// by host.
  public var connections = 0
  public var connectionsByDatabase: [String: Int] = [:]
  public var connectionsByUser: [String: Int] = [:]
  public var connectionsByApplication: [String: Int] = [:]
  public var connectionsByHost: [String: Int] = [:]
  /// `disconnection: session time: …` lines: sessions that ended, and how long they lasted.
  public var sessions = 0
  public var sessionMilliseconds = 0.0
  public var longestSessionMilliseconds = 0.0
  public var sessionsByDatabase: [String: Tally] = [:]
  public var checkpoints = Checkpoints()
  /// `database.schema.table` → automatic vacuums / analyzes.
  public var vacuums: [String: Maintenance] = [:]
  public var analyzes: [String: Maintenance] = [:]
  /// Event name → how often (see `ServerActivity.events`).
  public var events: [String: Int] = [:]

  public init() {}

  /// Messages pgBadger counts as events, by the text they start with (or contain), and the name
  /// reports give them.
  static let events: [(text: String, name: String, anywhere: Bool)] = [
    ("database system is ready to accept connections", "server ready", false),
    ("database system is shut down", "server shut down", false),
    ("received smart shutdown request", "smart shutdown requested", false),
    ("received fast shutdown request", "fast shutdown requested", false),
    ("received immediate shutdown request", "immediate shutdown requested", false),
    ("database system was interrupted", "recovery after an interruption", false),
    ("database system was not properly shut down", "recovery after a crash", false),
    ("terminating any other active server processes", "crash: other processes terminated", false),
    ("was terminated by signal", "server process terminated by a signal", true),
    ("terminating connection due to administrator command", "connection terminated by an administrator", false),
    ("terminating connection because of crash of another server process", "connection terminated by a crash", false),
    ("unexpected EOF on client connection", "unexpected EOF from a client", false),
    ("could not receive data from client", "could not receive data from a client", false),
    ("could not send data to client", "could not send data to a client", false),
    ("sorry, too many clients already", "too many clients", false),
    ("remaining connection slots are reserved", "connection slots exhausted", false),
    ("password authentication failed", "password authentication failed", false),
    ("no pg_hba.conf entry", "rejected by pg_hba.conf", false),
    ("checkpoints are occurring too frequently", "checkpoints too frequent", false),
    ("canceling statement due to statement timeout", "statement timeout", false),
    ("canceling statement due to lock timeout", "lock timeout", false),
    ("deadlock detected", "deadlock", false),
    ("canceling autovacuum task", "autovacuum cancelled", false),
  ]

  /// Reads one message; true when it was one of the server's (not a query's).
  mutating func consume(_ event: LogEvent) -> Bool {
    let message = event.message
    for known in Self.events where known.anywhere ? message.contains(known.text) : message.hasPrefix(known.text) {
      events[known.name, default: 0] += 1
      return event.severity == "LOG"
    }
    guard event.severity == "LOG" else { return false }
    if message.hasPrefix("connection authorized: ") {
      connections += 1
      let pairs = Self.pairs(message.dropFirst("connection authorized: ".count))
      connectionsByDatabase[pairs["database"] ?? event.database ?? "", default: 0] += 1
      connectionsByUser[pairs["user"] ?? event.user ?? "", default: 0] += 1
      connectionsByApplication[pairs["application_name"] ?? event.application ?? "", default: 0] += 1
      return true
    }
    if message.hasPrefix("connection received: ") {
      connectionsByHost[Self.pairs(message.dropFirst("connection received: ".count))["host"] ?? "", default: 0] += 1
      return true
    }
    if message.hasPrefix("disconnection: session time: ") {
      let rest = message.dropFirst("disconnection: session time: ".count)
      let milliseconds = Self.milliseconds(seconds: Self.sessionSeconds(rest.prefix { $0 != " " }))
      let pairs = Self.pairs(rest)
      sessions += 1
      sessionMilliseconds += milliseconds
      longestSessionMilliseconds = max(longestSessionMilliseconds, milliseconds)
      sessionsByDatabase[pairs["database"] ?? event.database ?? "", default: Tally()].add(Tally(calls: 1, milliseconds: milliseconds))
      return true
    }
    if message.hasPrefix("checkpoint starting: ") || message.hasPrefix("restartpoint starting: ") {
      let cause = message.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
      checkpoints.byCause[cause.isEmpty ? "unknown" : cause, default: 0] += 1
      return true
    }
    if message.hasPrefix("checkpoint complete: ") || message.hasPrefix("restartpoint complete: ") {
      checkpoints.completed += 1
      checkpoints.buffers += Int(Self.number(after: "wrote ", in: message) ?? 0)
      checkpoints.writeMilliseconds += Self.milliseconds(seconds: Self.number(after: "write=", in: message))
      checkpoints.syncMilliseconds += Self.milliseconds(seconds: Self.number(after: "sync=", in: message))
      checkpoints.totalMilliseconds += Self.milliseconds(seconds: Self.number(after: "total=", in: message))
      checkpoints.distanceKB += Self.number(after: "distance=", in: message) ?? 0
      return true
    }
    for (prefix, isVacuum) in Self.maintenancePrefixes where message.hasPrefix(prefix) {
      let table = String(message.dropFirst(prefix.count).prefix { $0 != "\"" })
      var tally = (isVacuum ? vacuums[table] : analyzes[table]) ?? Maintenance()
      tally.count += 1
      tally.milliseconds += Self.milliseconds(seconds: Self.number(after: "elapsed: ", in: message))
      if isVacuum {
        tally.removedTuples += Int(Self.number(after: "tuples: ", in: message) ?? 0)
        tally.removedPages += Int(Self.number(after: "pages: ", in: message) ?? 0)
        vacuums[table] = tally
      } else {
        analyzes[table] = tally
      }
      return true
    }
    return false
  }

  /// How autovacuum and autoanalyze runs begin (aggressive and anti-wraparound runs too).
  static let maintenancePrefixes: [(String, Bool)] = [
    ("automatic vacuum of table \"", true), ("automatic aggressive vacuum of table \"", true),
    ("automatic vacuum to prevent wraparound of table \"", true),
    ("automatic aggressive vacuum to prevent wraparound of table \"", true), ("automatic analyze of table \"", false),
  ]

  /// A query's type, from its first keyword (`WITH …` by the statement it ends in).
  static func queryType(_ text: String) -> String {
    let words = text.prefix(2_000).split(whereSeparator: { !$0.isLetter }).prefix(64).map { $0.uppercased() }
    guard var first = words.first else { return "OTHER" }
    if first == "WITH" {
      first = words.dropFirst().first { ["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"].contains($0) } ?? "SELECT"
      if first == "SELECT", let writer = words.first(where: { ["INSERT", "UPDATE", "DELETE", "MERGE"].contains($0) }) {
        first = writer
      }
    }
    switch first {
    case "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "COPY": return first
    case "VALUES", "TABLE", "FETCH": return "SELECT"
    case "CREATE", "ALTER", "DROP", "TRUNCATE", "COMMENT", "GRANT", "REVOKE", "REINDEX": return "DDL"
    case "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START", "END", "PREPARE": return "TCL"
    default: return "OTHER"
    }
  }

  /// `user=app database=shop application_name=psql` (what the server writes after the colon).
  static func pairs(_ text: Substring) -> [String: String] {
    var result: [String: String] = [:]
    for word in text.split(separator: " ") {
      guard let sign = word.firstIndex(of: "=") else { continue }
      result[String(word[..<sign])] = String(word[word.index(after: sign)...])
    }
    return result
  }

  /// `0:00:01.234` (hours:minutes:seconds) in seconds.
  static func sessionSeconds(_ text: Substring) -> Double {
    let parts = text.split(separator: ":").map { Double($0) ?? 0 }
    guard parts.count == 3 else { return 0 }
    let seconds = parts[0] * 3_600 + parts[1] * 60 + parts[2]
    return seconds.isFinite ? min(seconds, 1e9) : 0
  }

  /// Seconds as milliseconds to the nearest 1/1024 (`LogMessage.exactlySummable`): sums that do
  /// not depend on the order of addition, so a log read in parts adds up to the same bits.
  static func milliseconds(seconds: Double?) -> Double {
    LogMessage.exactlySummable((seconds ?? 0) * 1_000)
  }

  /// The number right after `marker` (`write=12.345 s` → 12.345), nil when absent or damaged.
  static func number(after marker: String, in text: String) -> Double? {
    guard let range = text.range(of: marker) else { return nil }
    let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
    guard let value = Double(digits), value.isFinite else { return nil }
    return min(value, 1e15)
  }

  mutating func merge(_ other: ServerActivity) {
    connections += other.connections
    for (key, value) in other.connectionsByDatabase { connectionsByDatabase[key, default: 0] += value }
    for (key, value) in other.connectionsByUser { connectionsByUser[key, default: 0] += value }
    for (key, value) in other.connectionsByApplication { connectionsByApplication[key, default: 0] += value }
    for (key, value) in other.connectionsByHost { connectionsByHost[key, default: 0] += value }
    sessions += other.sessions
    sessionMilliseconds += other.sessionMilliseconds
    longestSessionMilliseconds = max(longestSessionMilliseconds, other.longestSessionMilliseconds)
    for (key, value) in other.sessionsByDatabase { sessionsByDatabase[key, default: Tally()].add(value) }
    for (key, value) in other.checkpoints.byCause { checkpoints.byCause[key, default: 0] += value }
    checkpoints.completed += other.checkpoints.completed
    checkpoints.buffers += other.checkpoints.buffers
    checkpoints.writeMilliseconds += other.checkpoints.writeMilliseconds
    checkpoints.syncMilliseconds += other.checkpoints.syncMilliseconds
    checkpoints.totalMilliseconds += other.checkpoints.totalMilliseconds
    checkpoints.distanceKB += other.checkpoints.distanceKB
    for (key, value) in other.vacuums { vacuums[key, default: Maintenance()].add(value) }
    for (key, value) in other.analyzes { analyzes[key, default: Maintenance()].add(value) }
    for (key, value) in other.events { events[key, default: 0] += value }
  }

  public var isEmpty: Bool { self == ServerActivity() }
}

extension ServerActivity.Maintenance {
  mutating func add(_ other: Self) {
    count += other.count
    milliseconds += other.milliseconds
    removedTuples += other.removedTuples
    removedPages += other.removedPages
  }
}

extension LogReport {
  /// Calls and time by query type (`SELECT`, `INSERT`, `UPDATE`, `DELETE`, `MERGE`, `COPY`,
  /// `DDL`, `TCL`, `OTHER`), from each distinct query once; queries folded into "other queries"
  /// by --max-queries are counted as `OTHER`.
  public var queryTypes: [String: Tally] {
    var types: [String: Tally] = [:]
    for query in queries.values where query.calls > 0 {
      types[ServerActivity.queryType(query.query), default: Tally()].add(Tally(calls: query.calls, milliseconds: query.totalMilliseconds))
    }
    if otherQueries.calls > 0 { types["OTHER", default: Tally()].add(otherQueries) }
    return types
  }

  /// Queries and time per hour (`2024-05-01 10`), from the per-minute counts.
  public var perHour: [String: (count: Int, milliseconds: Double)] {
    var hours: [String: (count: Int, milliseconds: Double)] = [:]
    for (minute, value) in perMinute {
      let hour = String(minute.prefix(13))
      let previous = hours[hour] ?? (0, 0)
      hours[hour] = (previous.count + value.count, previous.milliseconds + value.milliseconds)
    }
    return hours
  }
}
