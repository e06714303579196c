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
}
