import Foundation
import PGTuneQuery

/// A database on the test server, created from `Fixtures/schemas/shop.sql` on first use and
/// re-created on the next run (fixed names, so runs do not pile up databases).
public final class TestDatabase: Sendable {
  public let name: String
  public let dsn: String

  /// Creates (or re-creates) the database and loads the shop schema with its data (nil: empty).
  public init(name: String, schema: String? = "Fixtures/schemas/shop.sql") throws {
    self.name = name
    let admin = try PostgresConnection(conninfo: TestServices.postgresDSN)
    try admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    try admin.execute("CREATE DATABASE \(name)")
    admin.close()
    dsn = TestServices.postgresDSN.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(name)")
    guard let schema else { return }
    let connection = try PostgresConnection(conninfo: dsn)
    let sql = try String(contentsOfFile: Repository.path(schema), encoding: .utf8)
    try connection.execute(sql)
    connection.close()
  }

  /// Runs SQL as the test's own administrator connection (not through pgtune-query).
  @discardableResult
  public func execute(_ sql: String) throws -> [[String?]] {
    let connection = try PostgresConnection(conninfo: dsn)
    defer { connection.close() }
    return try connection.execute(sql)
  }

  /// A fingerprint of everything a user could lose: the schema (tables, columns, indexes,
  /// constraints, functions, extensions), every row of every table, and sequence positions.
  public func checksum() throws -> String {
    let connection = try PostgresConnection(conninfo: dsn)
    defer { connection.close() }
    var parts: [String] = []
    let schema = try connection.execute(
      """
      SELECT string_agg(item, E'\\n' ORDER BY item) FROM (
        SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type
               || ' ' || coalesce(column_default, '') || ' ' || is_nullable AS item
        FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
        UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                  WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT 'relation ' || relname || ' ' || relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace
        UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
        UNION ALL SELECT 'extension ' || extname FROM pg_extension
        UNION ALL SELECT 'grant ' || grantee || ' ' || table_name || ' ' || privilege_type
                  FROM information_schema.role_table_grants WHERE table_schema = 'public'
      ) AS items
      """)
    parts.append(schema.first?.first??.description ?? "")
    let tables = try connection.execute(
      "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname")
    for table in tables.compactMap({ $0.first ?? nil }) {
      let rows = try connection.execute(
        "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \(table) t")
      parts.append("\(table) \(rows.first?.first??.description ?? "")")
    }
    let sequences = try connection.execute(
      "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'S' ORDER BY relname")
    for sequence in sequences.compactMap({ $0.first ?? nil }) {
      let state = try connection.execute("SELECT last_value || ' ' || is_called FROM \(sequence)")
      parts.append("\(sequence) \(state.first?.first??.description ?? "")")
    }
    // Server state a statement could change without touching a table: statistics resets.
    let stats = try connection.execute("SELECT coalesce(stats_reset::text, 'never') FROM pg_stat_database WHERE datname = current_database()")
    parts.append("stats_reset \(stats.first?.first??.description ?? "")")
    return parts.joined(separator: "\n")
  }
}

/// A PostgreSQL server of a test's own (initdb, start, stop), for faults that must not disturb
/// the shared test server, such as `pg_ctl stop -m immediate` in the middle of a run.
public final class ScratchPostgres: @unchecked Sendable {
  public let port: Int
  public let directory: String
  public var dsn: String { "host=127.0.0.1 port=\(port) user=postgres dbname=postgres" }
  private static let bin = "/usr/lib/postgresql/15/bin"

  /// `settings` are extra `-c name=value` server options. Take `port` below 32768: Linux hands
  /// out 32768–60999 to client sockets, and one of the suite's hundreds of connections holding
  /// the port made the server fail to start (seen once on 55490).
  public init(port: Int, settings: [String] = []) throws {
    precondition(port < 32_768, "a scratch server's port must be outside the ephemeral range")
    self.port = port
    directory = "/tmp/pgtune-query-test/scratch-\(port)"
    // A server left behind by an interrupted run (frozen, even) would hold the port.
    signalAll(SIGCONT)
    signalAll(SIGKILL)
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Self.asPostgres(["/bin/chown", "-R", "postgres:postgres", directory], asRoot: true)
    try Self.asPostgres(["\(Self.bin)/initdb", "-D", "\(directory)/data", "-U", "postgres", "--auth=trust"])
    try Self.asPostgres([
      "\(Self.bin)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-t", "60", "start",
      "-o",
      (["-c listen_addresses=127.0.0.1", "-c port=\(port)", "-c unix_socket_directories=\(directory)", "-c fsync=off"]
        + settings.map { "-c \($0)" }).joined(separator: " "),
    ])
  }

  /// Stops the server the way a crash would (`pg_ctl stop -m immediate`).
  public func crash() throws {
    try Self.asPostgres(["\(Self.bin)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "stop"])
  }

  /// Freezes every process of the server (SIGSTOP): connections stay open and the kernel still
  /// accepts new ones, but nothing answers — the fault a client-side deadline exists for.
  public func freeze() { signalAll(SIGSTOP) }

  /// Lets a frozen server run again.
  public func resume() { signalAll(SIGCONT) }

  /// The postmaster (first line of postmaster.pid) and every process whose parent it is.
  private func signalAll(_ signal: Int32) {
    guard let text = try? String(contentsOfFile: "\(directory)/data/postmaster.pid", encoding: .utf8),
      let postmaster = text.split(separator: "\n").first.flatMap({ Int32($0) })
    else { return }
    var pids = [postmaster]
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
      guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      if fields.count > 1, Int32(fields[1]) == postmaster { pids.append(pid) }
    }
    for pid in pids { kill(pid, signal) }
  }

  public func stop() {
    resume()
    if (try? Self.asPostgres(["\(Self.bin)/pg_ctl", "-D", "\(directory)/data", "-m", "fast", "-t", "20", "stop"])) == nil {
      signalAll(SIGKILL)
    }
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// Runs a command (as the postgres user when we are root) and waits for it. posix_spawn and
  /// waitpid rather than Foundation's Process: pg_ctl leaves a daemon behind that inherits the
  /// child's descriptors, and Process then never notices that pg_ctl itself has exited.
  static func asPostgres(_ command: [String], asRoot: Bool = false) throws {
    try runAndWait(getuid() == 0 && !asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command)
  }

  /// Whether this machine can run a scratch server (the PostgreSQL 15 binaries are installed).
  public static var available: Bool { FileManager.default.isExecutableFile(atPath: "\(bin)/initdb") }
}

/// Runs a program with its output discarded and waits for it. posix_spawn and waitpid rather
/// than Foundation's Process: servers started in the background (pg_ctl, redis-server
/// --daemonize) inherit the child's descriptors, and Process then never notices that the
/// starter itself has exited.
public func runAndWait(_ argv: [String]) throws {
  var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  let cStrings = argv.map { strdup($0) }
  defer { cStrings.forEach { free($0) } }
  var pid: pid_t = 0
  let spawned = posix_spawnp(&pid, argv[0], &actions, nil, cStrings + [nil], environ)
  var status: Int32 = 0
  guard spawned == 0, waitpid(pid, &status, 0) == pid, status == 0 else {
    throw NSError(domain: "runAndWait", code: Int(status), userInfo: [
      NSLocalizedDescriptionKey: "\(argv.joined(separator: " ")) failed"
    ])
  }
}

/// A Redis server of a test's own, to kill in the middle of a run without disturbing the shared
/// test server.
public final class ScratchRedis: @unchecked Sendable {
  public let port: Int
  public var url: String { "redis://127.0.0.1:\(port)/0" }
  private let directory: String

  /// `settings` are extra `-c name=value` server options.
  public init(port: Int, settings: [String] = []) throws {
    precondition(port < 32_768, "a scratch server's port must be outside the ephemeral range (see ScratchPostgres)")
    self.port = port
    directory = "/tmp/pgtune-query-test/scratch-redis-\(port)"
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try runAndWait([
      "redis-server", "--bind", "127.0.0.1", "--port", String(port), "--daemonize", "yes", "--save", "",
      "--appendonly", "no", "--dir", directory, "--pidfile", "\(directory)/redis.pid",
      "--logfile", "\(directory)/redis.log",
    ])
    let deadline = Date().addingTimeInterval(20)
    while (try? runAndWait(["redis-cli", "-p", String(port), "ping"])) == nil {
      guard Date() < deadline else { throw NSError(domain: "ScratchRedis", code: 1) }
      usleep(50_000)
    }
  }

  /// Shuts the server down at once (the client sees its connection drop).
  public func kill() {
    try? runAndWait(["redis-cli", "-p", String(port), "shutdown", "nosave"])
  }

  deinit {
    kill()
    try? FileManager.default.removeItem(atPath: directory)
  }

  public static var available: Bool {
    (try? runAndWait(["sh", "-c", "command -v redis-server"])) != nil
  }
}
