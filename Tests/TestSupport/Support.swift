import Foundation
import PGTuneQuery

/// Paths inside the repository, found from this file's location so tests run from any directory.
public enum Repository {
  public static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  public static func path(_ relative: String) -> String {
    root.appendingPathComponent(relative).path
  }

  /// `../shared` beside the repository (corpora, benchmark logs), when present.
  public static var shared: URL? {
    let url = root.deletingLastPathComponent().appendingPathComponent("shared")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }
}

/// SQL with `↓` markers: the SQL without them, and the UTF-8 byte offset of each marker.
public struct MarkedSQL {
  public let sql: String
  public let offsets: [Int]

  public init(_ marked: String) {
    var sql = ""
    var offsets: [Int] = []
    var bytes = 0
    for character in marked {
      if character == "↓" {
        offsets.append(bytes)
      } else {
        sql.append(character)
        bytes += character.utf8.count
      }
    }
    self.sql = sql
    self.offsets = offsets
  }
}

/// Analyzes SQL text with a configuration that runs only the given rules.
public func analyze(_ sql: String, onlyRules rules: Set<String>? = nil, name: String = "test.sql") -> FileAnalysis {
  var configuration = Configuration()
  if let rules {
    for id in AllRules.ids where !rules.contains(id) { configuration.disable(id) }
  }
  return Analyzer(configuration: configuration, jobs: 1)
    .analyze([SourceFile(name: name, bytes: Array(sql.utf8))])[0]
}

/// The test servers that `scripts/test-services.sh` starts. When `PGTUNE_REQUIRE_SERVICES=1`
/// (set by `make test`, and so in CI) a missing server fails the tests that need it; otherwise
/// those tests are skipped with a message, so `swift test` works with only the repository.
public enum TestServices {
  public static var environment: [String: String] { ProcessInfo.processInfo.environment }

  public static var servicesRequired: Bool { environment["PGTUNE_REQUIRE_SERVICES"] == "1" }

  public static var postgresDSN: String {
    environment["PGTUNE_TEST_PG_DSN"] ?? "host=127.0.0.1 port=55432 user=postgres dbname=postgres"
  }

  /// Whether tests that need PostgreSQL should run.
  public static let postgresEnabled: Bool = {
    if servicesRequired { return true }
    return (try? PostgresConnection(conninfo: postgresDSN, connectTimeout: 2)) != nil
  }()

  public static var redisURL: String { environment["PGTUNE_TEST_REDIS_URL"] ?? "redis://127.0.0.1:56379/0" }
  public static var memcachedURL: String { environment["PGTUNE_TEST_MEMCACHED_URL"] ?? "memcached://127.0.0.1:51211" }

  /// Whether tests that need the shared Redis / Memcached should run.
  public static let redisEnabled: Bool = servicesRequired || (try? RedisTier(url: redisURL)) != nil
  public static let memcachedEnabled: Bool = servicesRequired || (try? MemcachedTier(url: memcachedURL)) != nil

  /// A loopback port with nothing listening, for "server is down" tests.
  public static let closedPort = 1
}

/// The result of running the built `pgtune-query` binary.
public struct CommandResult: Sendable {
  public let status: Int32
  public let stdout: String
  public let stderr: String

  public init(status: Int32, stdout: String, stderr: String) {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
  }
}

/// Runs the built binary (found beside the test bundle) with arguments and optional stdin.
/// `whileRunning` is called once the process has started (to inject faults).
public func runPGTuneQuery(
  _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
  currentDirectory: String? = nil, whileRunning: (@Sendable () -> Void)? = nil
) throws -> CommandResult {
  let process = Process()
  process.executableURL = pgtuneQueryBinary
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  env["NO_COLOR"] = "1"
  // Each run gets a store of its own unless the test names one: cached analyses from another
  // test must not stand in for the EXPLAIN a test is about.
  env["PGTUNE_QUERY_STORE"] = "/tmp/pgtune-query-test/stores/\(UUID().uuidString).sqlite"
  env["PGTUNE_QUERY_STORE_URL"] = nil
  for (key, value) in environment { env[key] = value }
  process.environment = env
  if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
  let output = Pipe()
  let errors = Pipe()
  let input = Pipe()
  process.standardOutput = output
  process.standardError = errors
  process.standardInput = input
  try process.run()
  // Read both pipes concurrently so a large output cannot block the child.
  let outputData = ReadBox()
  let group = DispatchGroup()
  DispatchQueue.global().async(group: group) { outputData.set(readToEnd(output.fileHandleForReading)) }
  // A thread of its own: on a busy machine the global queue can start the fault only after the
  // run it was meant to interrupt has ended.
  if let whileRunning {
    group.enter()
    Thread {
      whileRunning()
      group.leave()
    }.start()
  }
  if let stdin { input.fileHandleForWriting.write(stdin) }
  try? input.fileHandleForWriting.close()
  let errorData = readToEnd(errors.fileHandleForReading)
  group.wait()
  process.waitUntilExit()
  return CommandResult(
    status: process.terminationStatus, stdout: String(decoding: outputData.get(), as: UTF8.self),
    stderr: String(decoding: errorData, as: UTF8.self))
}

/// Reads a pipe to its end with read(2), retrying on EINTR. Foundation's readDataToEndOfFile
/// traps on an interrupted system call, which the SIGCHLDs of the servers tests start cause.
func readToEnd(_ handle: FileHandle) -> Data {
  var data = Data()
  var buffer = [UInt8](repeating: 0, count: 65_536)
  let descriptor = handle.fileDescriptor
  while true {
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count > 0 {
      data.append(contentsOf: buffer[0..<count])
    } else if count == 0 || errno != EINTR {
      return data
    }
  }
}

private final class ReadBox: @unchecked Sendable {
  private var data = Data()
  private let lock = NSLock()
  func set(_ value: Data) { lock.withLock { data = value } }
  func get() -> Data { lock.withLock { data } }
}

/// The `pgtune-query` executable built with the tests (same build folder as the test bundle).
public var pgtuneQueryBinary: URL {
  let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
    let binary = candidate.appendingPathComponent("pgtune-query")
    if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
  }
  return Repository.root.appendingPathComponent(".build/debug/pgtune-query")
}

/// Compares text with a file under `Fixtures/`; `RECORD_SNAPSHOTS=1` rewrites the file instead.
public func snapshotMismatch(_ actual: String, fixture relative: String) -> String? {
  let path = Repository.path("Fixtures/" + relative)
  if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
    try? FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try? actual.write(toFile: path, atomically: true, encoding: .utf8)
    return nil
  }
  guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
    return "missing snapshot \(relative); run the tests with RECORD_SNAPSHOTS=1 to create it"
  }
  if expected == actual { return nil }
  let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
  for index in 0..<max(expectedLines.count, actualLines.count) {
    let left = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
    let right = index < actualLines.count ? String(actualLines[index]) : "<end>"
    if left != right {
      return "snapshot \(relative) differs at line \(index + 1):\n  expected: \(left)\n  actual:   \(right)"
    }
  }
  return "snapshot \(relative) differs"
}

/// Polls `condition` until it holds or `timeout` seconds pass; true when it held. Tests wait for
/// servers this way instead of sleeping a fixed time, so they are as fast as the server allows
/// and do not fail on a slow machine.
@discardableResult
public func waitUntil(timeout: Double = 10, interval: Double = 0.02, _ condition: () throws -> Bool) rethrows -> Bool {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if try condition() { return true }
    Thread.sleep(forTimeInterval: interval)
  }
  return try condition()
}

/// A store clock that only moves when told to: TTL tests advance it instead of sleeping.
public final class ManualClock: @unchecked Sendable {
  private let lock = NSLock()
  private var milliseconds: Int64

  public init(start: Int64 = 1_700_000_000_000) { milliseconds = start }

  public func advance(seconds: Double) { lock.withLock { milliseconds += Int64(seconds * 1_000) } }

  public var storeClock: StoreClock { StoreClock { [self] in lock.withLock { milliseconds } } }
}

/// Canned inputs for the reporter tests: real analyses made without a database (the shop
/// example's static findings, and a saved plan checked by the plan rules), so every reporter is
/// tested on the same results and none needs a server.
public enum ReporterFixtures {
  /// The shop example and the seq-scan plan fixture, analyzed offline.
  public static func analyses() throws -> [FileAnalysis] {
    let shop = try SourceFile.read(
      path: Repository.path("Fixtures/sql/examples/shop.sql"), displayName: "Fixtures/sql/examples/shop.sql")
    let plan = try SourceFile.read(
      path: Repository.path("Fixtures/plans/02-seq-scan-large-table.json"), displayName: "plans/02-seq-scan-large-table.json")
    return Analyzer(jobs: 1).analyze([shop]) + [try PlanFileAnalyzer.analyze(plan, configuration: Configuration())]
  }

  /// A log report read from the stderr fixture log.
  public static func logReport() throws -> LogReport {
    guard let handle = FileHandle(forReadingAtPath: Repository.path("Fixtures/logs/stderr-prefix-m-p-u-d.log")) else {
      throw FixtureMissing()
    }
    return LogReader().read(handle).0
  }
}

private struct FixtureMissing: Error {}
