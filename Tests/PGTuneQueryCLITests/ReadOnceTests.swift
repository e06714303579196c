import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// `report` records each log once: the same file twice is skipped, a grown file is read from
/// where the last run stopped, a rewritten one is read again, and `report --from-store` never
/// counts a query twice.
@Suite struct ReadOnceTests {
  static func line(_ minute: Int, _ pid: Int, _ query: String) -> String {
    "2024-05-01 10:\(String(format: "%02d", minute)):00.000 UTC [\(pid)] u@d LOG:  duration: 2.000 ms  statement: \(query)\n"
  }

  private func totals(_ store: String) throws -> (queries: Double?, runs: String) {
    let result = try runPGTuneQuery(["report", "--from-store", "--format", "json"], environment: ["PGTUNE_QUERY_STORE": store])
    return (try JSONValue.parse(result.stdout)["totals"]?["queries"]?.number, result.stderr)
  }

  @Test func sameFileGrownFileRewrittenFileAndReread() throws {
    let directory = NSTemporaryDirectory() + "pgtq-read-once-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = directory + "/store.sqlite"
    let log = directory + "/postgresql.log"
    let environment = ["PGTUNE_QUERY_STORE": store]
    try (Self.line(0, 1, "SELECT 1") + Self.line(1, 2, "SELECT 2")).write(toFile: log, atomically: true, encoding: .utf8)

    let first = try runPGTuneQuery(["report", log], environment: environment)
    #expect(first.status == 0 && first.stdout.hasPrefix("2 queries"), "\(first.stdout)\(first.stderr)")
    let again = try runPGTuneQuery(["report", log], environment: environment)
    #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout)")
    #expect(again.stderr.contains("already recorded in the store"), "\(again.stderr)")
    #expect(try totals(store).queries == 2)

    let handle = try #require(FileHandle(forWritingAtPath: log))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(Self.line(2, 3, "SELECT 3").utf8))
    try handle.close()
    let grown = try runPGTuneQuery(["report", log], environment: environment)
    #expect(grown.stdout.hasPrefix("1 queries"), "\(grown.stdout)")
    #expect(grown.stderr.contains("reading what was added since"))
    #expect(try totals(store).queries == 3)

    let reread = try runPGTuneQuery(["report", "--reread", log], environment: environment)
    #expect(reread.stdout.hasPrefix("3 queries") && reread.stderr.contains("not recorded in the store"), "\(reread.stderr)")
    #expect(try totals(store).queries == 3)

    // Same first line, other content (truncated and rewritten): read again in full.
    try (Self.line(0, 1, "SELECT 1") + Self.line(5, 9, "SELECT 9")).write(toFile: log, atomically: true, encoding: .utf8)
    let rewritten = try runPGTuneQuery(["report", log], environment: environment)
    #expect(rewritten.stdout.hasPrefix("2 queries"), "\(rewritten.stdout)\(rewritten.stderr)")
    #expect(try totals(store).queries == 5)

    // Standard input has no identity: always read and recorded.
    let piped = try runPGTuneQuery(["report"], stdin: Data(Self.line(0, 1, "SELECT 1").utf8), environment: environment)
    #expect(piped.stdout.hasPrefix("1 queries"))
    // Without a store nothing is remembered.
    let storeless = try runPGTuneQuery(["report", "--no-store", log])
    #expect(storeless.stdout.hasPrefix("2 queries"))
  }

  /// logrotate's way: `postgresql.log` is read at noon, renamed to `postgresql.log.1` and later
  /// compressed to `postgresql.log.1.gz` with the rest of the day in it. The renamed copy is
  /// skipped, the compressed one read from where the plain file stopped, and a second read of it
  /// skipped; a gzip copy of content never read is read in full.
  @Test func rotatedAndCompressedCopiesAreRecognised() throws {
    let directory = NSTemporaryDirectory() + "pgtq-read-once-gz-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let environment = ["PGTUNE_QUERY_STORE": directory + "/store.sqlite"]
    let morning = Self.line(0, 1, "SELECT 1") + Self.line(1, 2, "SELECT 2")
    let log = directory + "/postgresql.log"
    try morning.write(toFile: log, atomically: true, encoding: .utf8)
    let first = try runPGTuneQuery(["report", log], environment: environment)
    #expect(first.stdout.hasPrefix("2 queries"), "\(first.stdout)\(first.stderr)")

    let rotated = directory + "/postgresql.log.1"
    try FileManager.default.moveItem(atPath: log, toPath: rotated)
    let renamed = try runPGTuneQuery(["report", rotated], environment: environment)
    #expect(renamed.stdout.isEmpty && renamed.stderr.contains("already recorded"), "\(renamed.stdout)\(renamed.stderr)")

    // The rest of the day was written before the rotation; then gzip replaced the file.
    try (morning + Self.line(30, 3, "SELECT 3") + Self.line(40, 4, "SELECT 4")).write(toFile: rotated, atomically: true, encoding: .utf8)
    try Self.gzip(rotated)
    let compressed = rotated + ".gz"
    let rest = try runPGTuneQuery(["report", compressed], environment: environment)
    #expect(rest.stdout.hasPrefix("2 queries") && rest.stderr.contains("reading what was added since"), "\(rest.stdout)\(rest.stderr)")
    let again = try runPGTuneQuery(["report", compressed], environment: environment)
    #expect(again.stdout.isEmpty && again.stderr.contains("already recorded"), "\(again.stdout)\(again.stderr)")
    #expect(try totals(directory + "/store.sqlite").queries == 4)

    // Content never read before, compressed: read in full.
    let other = directory + "/other.log"
    try (Self.line(0, 7, "SELECT 7") + Self.line(2, 8, "SELECT 8") + Self.line(3, 8, "SELECT 9")).write(toFile: other, atomically: true, encoding: .utf8)
    try Self.gzip(other)
    let fresh = try runPGTuneQuery(["report", other + ".gz"], environment: environment)
    #expect(fresh.stdout.hasPrefix("3 queries"), "\(fresh.stdout)\(fresh.stderr)")
    #expect(try totals(directory + "/store.sqlite").queries == 7)
  }

  static func gzip(_ path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-f", path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
  }
}
