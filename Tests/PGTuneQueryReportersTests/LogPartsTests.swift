import Foundation
@testable import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// A log read in parts on several cores must give the report a single read gives, whatever falls
/// on a cut: a multi-line statement, a session's `log_statement` waiting for its `log_duration`,
/// an error waiting for its `STATEMENT` line, a csv field with newlines.
@Suite struct LogPartsTests {
  @Test(arguments: [2, 3, 5, 8, 13])
  func stderrLogInPartsReportsWhatOneReadReports(parts: Int) throws {
    let path = try Self.write(Self.stderrLog(entries: 3_000), suffix: "log")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try expectSameReport(path, parts: parts)
  }

  @Test(arguments: [2, 4, 7])
  func csvLogInPartsReportsWhatOneReadReports(parts: Int) throws {
    let path = try Self.write(Self.csvLog(entries: 2_000), suffix: "csv")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try expectSameReport(path, parts: parts)
  }

  @Test(arguments: [2, 5, 9])
  func jsonLogInPartsReportsWhatOneReadReports(parts: Int) throws {
    let path = try Self.write(Self.jsonLog(entries: 3_000), suffix: "json")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let handle = try #require(FileHandle(forReadingAtPath: path))
    #expect(LogParts.plan(handle, reader: LogReader(), parts: parts, minimumPartBytes: 1_024)?.ranges.count == parts)
    try expectSameReport(path, parts: parts)
  }

  /// A logging service's envelope carries a multi-line stderr statement over several lines: such
  /// a file is never cut (it is read whole, as before).
  @Test func serviceEnvelopesAreReadWhole() throws {
    for name in ["cloudsql.json", "cloudnativepg.json"] {
      let path = Repository.path("Fixtures/logs/\(name)")
      let handle = try #require(FileHandle(forReadingAtPath: path))
      #expect(LogParts.plan(handle, reader: LogReader(), parts: 4, minimumPartBytes: 64) == nil, "\(name)")
      try expectSameReport(path, parts: 4, minimumPartBytes: 64)
    }
  }

  @Test func fixtureLogsInPartsReportWhatOneReadReports() throws {
    for name in ["stderr-prefix-m-p-u-d.log", "syslog-style.log", "csvlog.csv", "jsonlog.json"] {
      try expectSameReport(Repository.path("Fixtures/logs/\(name)"), parts: 4, minimumPartBytes: 64)
    }
  }

  /// A cut between an ERROR line and its STATEMENT line: the statement still reaches the error,
  /// which was counted in the part before the cut (it was lost, and the report in parts differed).
  @Test func aCutBetweenAnErrorAndItsStatement() throws {
    var text = ""
    for index in 0..<200 {
      let prefix = "2024-05-01 10:00:\(String(format: "%02d", index % 60)).000 UTC [\(300 + index % 3)] app@shop "
      // A new kind of error each time (numbers and quoted names are folded into one kind), so
      // that each error's statement is the first its kind gets.
      let word = String(index, radix: 26).map { Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(String($0), radix: 26)!)) }
      text += prefix + "ERROR:  function f_\(String(word))() does not exist\n"
      text += prefix + "STATEMENT:  SELECT * FROM t\(index % 7) WHERE id = \(index)\n"
      text += prefix + "LOG:  duration: 1.000 ms  statement: SELECT \(index % 5)\n"
    }
    let path = try Self.write(text, suffix: "log")
    defer { try? FileManager.default.removeItem(atPath: path) }
    for parts in [2, 3, 9, 40] { try expectSameReport(path, parts: parts, minimumPartBytes: 256) }
  }

  /// A cut inside a quoted csv field (a line that looks like a record start but is inside a
  /// message) is found after the read, and the file is read as one.
  @Test func aCutInsideAQuotedCsvFieldFallsBackToOneRead() throws {
    var text = ""
    for index in 0..<200 {
      text += Self.csvRecord(index: index, message: "duration: 1.5 ms  statement: SELECT \(index)\n2024-05-01 10:00:00.000 UTC,fake,line,inside,the,field")
    }
    let path = try Self.write(text, suffix: "csv")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try expectSameReport(path, parts: 6)
  }

  @Test func theLogIsReallyCutAndSessionsCrossTheCuts() throws {
    let path = try Self.write(Self.stderrLog(entries: 3_000), suffix: "log")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let handle = try #require(FileHandle(forReadingAtPath: path))
    let plan = try #require(LogParts.plan(handle, reader: LogReader(), parts: 5, minimumPartBytes: 1_024))
    #expect(plan.ranges.count == 5)
    var identities = QueryIdentities()
    let parts = plan.ranges.enumerated().map { index, range in
      LogReader(format: .stderr).readPart(handle, range: range, continuesEarlierPart: index > 0, identities: &identities) { _ in }
    }
    // Some sessions' first lines in later parts needed the part before: the stitch had work.
    #expect(parts.dropFirst().contains { !$0.sessions.heads.isEmpty })
  }

  /// csv parts end between records, except when the cut was made inside a quoted field.
  @Test(arguments: [false, true])
  func csvCutsAreCheckedAfterTheRead(trapped: Bool) throws {
    let text =
      trapped
      ? (0..<200).map { Self.csvRecord(index: $0, message: "duration: 1.5 ms  statement: SELECT \($0)\n2024-05-01 10:00:00.000 UTC,x,y") }.joined()
      : Self.csvLog(entries: 2_000)
    let path = try Self.write(text, suffix: "csv")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let handle = try #require(FileHandle(forReadingAtPath: path))
    let plan = try #require(LogParts.plan(handle, reader: LogReader(), parts: 6, minimumPartBytes: 1_024))
    #expect(plan.format == .csv)
    var identities = QueryIdentities()
    let parts = plan.ranges.enumerated().map { index, range in
      LogReader(format: .csv).readPart(handle, range: range, continuesEarlierPart: index > 0, identities: &identities) { _ in }
    }
    #expect(parts.dropLast().allSatisfy(\.endsBetweenRecords) == !trapped)
  }

  /// The shared generator's real server logs (`../shared/bench/make-logs.sh`; PGTQ_BENCH_LOGS
  /// or /tmp/pgtq-bench/logs), when they are on this machine: their first 24 MiB in 4 parts.
  @Test(arguments: ["postgresql.log", "postgresql.csv", "postgresql.json"])
  func sharedBenchLogInPartsReportsWhatOneReadReports(name: String) throws {
    let directory = ProcessInfo.processInfo.environment["PGTQ_BENCH_LOGS"] ?? "/tmp/pgtq-bench/logs"
    guard let handle = FileHandle(forReadingAtPath: "\(directory)/\(name)") else {
      print("skipped: no \(directory)/\(name) (made by ../shared/bench/make-logs.sh)")
      return
    }
    var slice = try #require(try handle.read(upToCount: 24 << 20))
    if let lastNewline = slice.lastIndex(of: 0x0A) { slice = slice.prefix(upTo: lastNewline + 1) }
    let path = NSTemporaryDirectory() + "pgtq-parts-shared-\(UUID().uuidString)-\(name)"
    try slice.write(to: URL(fileURLWithPath: path))
    try expectSameReport(path, parts: 4, minimumPartBytes: 4 << 20)
    try? FileManager.default.removeItem(atPath: path)
  }

  private func expectSameReport(_ path: String, parts: Int, minimumPartBytes: Int = 1_024) throws {
    let single = try #require(FileHandle(forReadingAtPath: path))
    let (whole, wholeDiagnosis) = LogReader().read(single)
    let cut = try #require(FileHandle(forReadingAtPath: path))
    let (inParts, partsDiagnosis) = LogParts.read(cut, with: LogReader(), parts: parts, minimumPartBytes: minimumPartBytes)
    // Where a single read leaves the handle: the read-once ledger records this offset.
    #expect(try cut.offset() == single.offset())
    #expect(whole.totalQueries > 0)
    let (partsJSON, wholeJSON) = (LogReportReporter.json(inParts), LogReportReporter.json(whole))
    if partsJSON != wholeJSON {
      // Both kept for a diff: the reports are too long to read in an expectation's message.
      try? partsJSON.write(toFile: path + ".parts.json", atomically: false, encoding: .utf8)
      try? wholeJSON.write(toFile: path + ".whole.json", atomically: false, encoding: .utf8)
      Issue.record("the report in \(parts) parts differs from one read: see \(path).parts.json and .whole.json")
    }
    #expect(inParts.linesRead == whole.linesRead)
    #expect(partsDiagnosis.recognizedMessages == wholeDiagnosis.recognizedMessages)
    for (key, error) in whole.errors { #expect(inParts.errors[key]?.statement == error.statement, "statement of \(key)") }
  }

  static func write(_ text: String, suffix: String) throws -> String {
    let path = NSTemporaryDirectory() + "pgtq-parts-\(UUID().uuidString).\(suffix)"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Six sessions interleaved: one-line and multi-line statements with durations,
  /// `log_statement` lines whose `log_duration` comes entries later, errors whose `STATEMENT`
  /// line comes later, temporary files, extended-protocol executes.
  static func stderrLog(entries: Int) -> String {
    var generator = SplitMix(state: 42)
    var text = ""
    var waiting: [Int: Bool] = [:]
    var erred: [Int: Bool] = [:]
    for index in 0..<entries {
      let pid = 100 + Int(generator.next() % 6)
      let second = String(format: "%02d", index / 60 % 60)
      let prefix = "2024-05-01 10:\(String(format: "%02d", index / 3_600)):\(second).\(String(format: "%03d", index % 1_000)) UTC [\(pid)] app@shop "
      if waiting[pid] == true {
        text += prefix + "LOG:  duration: \(Double(generator.next() % 900) / 10) ms\n"
        waiting[pid] = false
        continue
      }
      if erred[pid] == true {
        text += prefix + "STATEMENT:  SELECT * FROM missing_\(index % 4) WHERE id = \(index)\n"
        erred[pid] = false
        continue
      }
      switch generator.next() % 7 {
      case 0:
        text += prefix + "LOG:  statement: UPDATE accounts SET balance = balance - \(index) WHERE id = \(index % 50)\n"
        waiting[pid] = true
      case 1:
        text += prefix + "ERROR:  relation \"missing_\(index % 4)\" does not exist at character 15\n"
        erred[pid] = true
      case 2:
        text += prefix + "LOG:  duration: \(Double(generator.next() % 5_000) / 10) ms  statement: SELECT o.id, o.total\n"
        text += "\tFROM orders o\n\tJOIN customers c ON c.id = o.customer_id\n\tWHERE c.region = 'r\(index % 9)'\n"
      case 3:
        text += prefix + "LOG:  duration: 0.\(index % 100) ms  execute <unnamed>: SELECT abalance FROM pgbench_accounts WHERE aid = $1\n"
        text += prefix + "DETAIL:  parameters: $1 = '\(index)'\n"
      case 4:
        text += prefix + "LOG:  temporary file: path \"base/pgsql_tmp/pgsql_tmp\(pid).\(index)\", size \(8_192 * (index % 30 + 1))\n"
        text += prefix + "STATEMENT:  SELECT * FROM orders ORDER BY total DESC\n"
      default:
        text += prefix + "LOG:  duration: \(Double(generator.next() % 300) / 10) ms  statement: SELECT count(*) FROM orders WHERE status = 'paid' AND id > \(index)\n"
      }
    }
    return text
  }

  /// jsonlog events of six interleaved sessions: queries with durations, `log_statement` events
  /// whose `log_duration` comes events later, errors with their statement, characters to escape.
  static func jsonLog(entries: Int) -> String {
    var generator = SplitMix(state: 7)
    var waiting: Set<Int> = []
    return (0..<entries).map { index in
      let pid = 100 + Int(generator.next() % 6)
      let stamp = "2024-05-01 10:\(String(format: "%02d", index / 3_600)):\(String(format: "%02d", index / 60 % 60)).\(String(format: "%03d", index % 1_000)) UTC"
      let head = "{\"timestamp\":\"\(stamp)\",\"user\":\"app\",\"dbname\":\"shop\",\"pid\":\(pid),"
      if waiting.remove(pid) != nil {
        return head + "\"error_severity\":\"LOG\",\"message\":\"duration: \(Double(generator.next() % 900) / 10) ms\"}\n"
      }
      switch generator.next() % 4 {
      case 0:
        waiting.insert(pid)
        return head + "\"error_severity\":\"LOG\",\"message\":\"statement: UPDATE accounts SET note = 'a\\\"b' WHERE id = \(index % 50)\"}\n"
      case 1:
        return head + "\"error_severity\":\"ERROR\",\"state_code\":\"42P01\",\"message\":\"relation \\\"missing\\\" does not exist\",\"statement\":\"SELECT * FROM missing WHERE id = \(index)\"}\n"
      default:
        return head + "\"error_severity\":\"LOG\",\"message\":\"duration: \(Double(generator.next() % 5_000) / 10) ms  statement: SELECT o.id\\n\\tFROM orders o WHERE o.region = 'r\(index % 9)'\"}\n"
      }
    }.joined()
  }

  static func csvLog(entries: Int) -> String {
    (0..<entries).map { index in
      let message =
        index % 5 == 0
        ? "duration: \(index % 97).25 ms  statement: SELECT \"quoted\"\nFROM t\(index % 7)\nWHERE a = \(index)"
        : "duration: \(index % 13).5 ms  statement: SELECT * FROM orders WHERE id = \(index)"
      return csvRecord(index: index, message: message)
    }.joined()
  }

  static func csvRecord(index: Int, message: String) -> String {
    let quoted = "\"" + message.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    let second = String(format: "%02d", index / 10 % 60)
    return "2024-05-01 10:00:\(second).\(String(format: "%03d", index % 1_000)) UTC,\"app\",\"shop\",\(200 + index % 4),\"127.0.0.1:5000\",abc.\(index % 4),\(index),\"SELECT\",2024-05-01 09:00:00 UTC,3/\(index),0,LOG,00000,\(quoted),,,,,,,,,\"psql\",client backend,,0\n"
  }
}

/// A fixed sequence (splitmix64): the generated logs are the same every run.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
