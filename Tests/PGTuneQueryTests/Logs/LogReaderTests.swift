import Foundation
import PGTuneQuery
import TestSupport
import Testing

@Suite struct LogReaderTests {
  private func report(_ fixture: String, filter: LogFilter = LogFilter(), format: LogFormat? = nil) throws -> (LogReport, LogDiagnosis) {
    let handle = try #require(FileHandle(forReadingAtPath: Repository.path("Fixtures/logs/\(fixture)")))
    return LogReader(format: format, filter: filter).read(handle)
  }

  /// Through a file, not a pipe: a pipe holds 64 KB, and writing more before reading blocks.
  private func report(bytes: [UInt8]) -> (LogReport, LogDiagnosis) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-log-\(UUID().uuidString)").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard let handle = FileHandle(forReadingAtPath: path) else { return (LogReport(), LogReader().read(.nullDevice).1) }
    return LogReader().read(handle)
  }

  private func report(text: String) -> (LogReport, LogDiagnosis) { report(bytes: Array(text.utf8)) }

  @Test func stderrWithPrefixMultiLineExtendedProtocolAndPairs() throws {
    let (log, diagnosis) = try report("stderr-prefix-m-p-u-d.log")
    #expect(diagnosis.format == .stderr)
    // statement ×3 (two the same query), execute ×1 (parse/bind not counted), log_statement +
    // log_duration ×1, the truncated one ×1.
    #expect(log.totalQueries == 6)
    #expect(log.totalErrors == 1)
    // Five that ran, and the failed statement (0 calls, 1 error).
    #expect(log.queries.count == 6)
    #expect(log.queries.values.filter { $0.calls == 0 }.map(\.errors) == [1])
    let lookup = try #require(log.queries.values.first { $0.query == "SELECT id FROM orders WHERE customer_id = $1" })
    #expect(lookup.calls == 2)
    #expect(lookup.totalMilliseconds == 20)
    #expect(lookup.samples.first?.text == "SELECT id FROM orders WHERE customer_id = 42")
    let join = try #require(log.queries.values.first { $0.query.contains("GROUP BY") })
    #expect(join.query.contains("\n"))
    #expect(log.queries.values.contains { $0.query.hasPrefix("UPDATE accounts") && $0.calls == 1 })
    #expect(log.queries.values.contains { $0.query == "SELECT count(*) FROM big_table" && $0.totalMilliseconds == 3000 })
    let truncated = try #require(log.queries.values.first { !$0.parsed })
    #expect(truncated.fingerprint.hasPrefix("text:"))
    #expect(log.first == "2024-05-01 10:00:00.100 UTC")
    #expect(log.errors.values.first?.statement == "SELECT * FROM nope")
  }

  @Test func syslogStylePrefixes() throws {
    let (log, _) = try report("syslog-style.log")
    #expect(log.totalQueries == 2)
    #expect(log.queries.count == 1)
  }

  @Test func csvlogWithEmbeddedNewlinesAndCRLF() throws {
    let (log, diagnosis) = try report("csvlog.csv")
    #expect(diagnosis.format == .csv)
    #expect(log.totalQueries == 2)
    // The query that ran twice, and the failed one (0 calls, 1 error).
    #expect(log.queries.count == 2)
    #expect(log.queries.values.first { $0.calls == 0 }?.errors == 1)
    #expect(log.queries.values.first { $0.calls > 0 }?.samples.contains { $0.text.contains("'a\nmulti-line, with \"quotes\"'") } == true)
    #expect(log.errors["42P01"]?.count == 1)
  }

  @Test func jsonlog() throws {
    let (log, diagnosis) = try report("jsonlog.json")
    #expect(diagnosis.format == .json)
    #expect(log.totalQueries == 1)
    #expect(log.errors["22012"]?.statement == "SELECT 1/0")
  }

  /// Hosted PostgreSQL's JSON: Cloud SQL through Cloud Logging (`textPayload` with Cloud SQL's
  /// prefix, or `jsonPayload.message`) and CloudNativePG (`record` objects; the operator's own
  /// lines are not queries). Detected as JSON with no option, counted like the stderr log.
  @Test(arguments: ["cloudsql.json", "cloudnativepg.json"])
  func hostedJSONLogs(fixture: String) throws {
    let (log, diagnosis) = try report(fixture)
    #expect(diagnosis.format == .json)
    #expect(log.totalQueries == 3, "\(fixture)")
    #expect(log.totalErrors == 1)
    let error = try #require(log.errors.values.first)
    #expect(error.message.contains("relation \"ordres\" does not exist"))
    #expect(error.statement == "SELECT * FROM ordres")
    #expect(log.byUser["report"]?.calls == 1 && log.byUser["app"]?.calls == 2)
    #expect(log.byDatabase["shop"]?.calls == 3)
    #expect(log.queries.values.contains { $0.calls == 2 && $0.query.contains("customer_id = $1") })
    #expect(diagnosis.unrecognizedLines.isEmpty, "\(diagnosis.unrecognizedLines)")
  }

  @Test func filters() throws {
    var filter = LogFilter()
    filter.database = "dw"
    #expect(try report("stderr-prefix-m-p-u-d.log", filter: filter).0.totalQueries == 1)
    filter = LogFilter()
    filter.minimumMilliseconds = 50
    #expect(try report("stderr-prefix-m-p-u-d.log", filter: filter).0.totalQueries == 2)
    filter = LogFilter()
    filter.since = "2024-05-01 10:01"
    #expect(try report("stderr-prefix-m-p-u-d.log", filter: filter).0.totalQueries == 3)
  }

  @Test func edgeCases() {
    // Truncated last line (no newline), CRLF, invalid UTF-8 bytes.
    var bytes = Array("2024-05-01 10:00:00 UTC [1] LOG:  duration: 1.0 ms  statement: SELECT 'caf".utf8)
    bytes += [0xE9]
    bytes += Array("'\r\n2024-05-01 10:00:01 UTC [1] LOG:  duration: 2.0 ms  statement: SELECT 2".utf8)
    let (log, _) = report(bytes: bytes)
    #expect(log.totalQueries == 2)
    let big = "2024-05-01 10:00:00 UTC [1] LOG:  duration: 1.0 ms  statement: SELECT '" + String(repeating: "x", count: 1_000_000) + "'\n"
    #expect(report(text: big).0.totalQueries == 1)
  }

  @Test func lockWaitsAreAttachedToTheirStatement() {
    let text = """
      2024-05-01 10:00:00.100 UTC [7] app@shop LOG:  process 7 still waiting for ShareLock on transaction 775 after 200.5 ms
      2024-05-01 10:00:00.100 UTC [7] app@shop DETAIL:  Process holding the lock: 8. Wait queue: 7.
      2024-05-01 10:00:00.100 UTC [7] app@shop CONTEXT:  while updating tuple (0,4) in relation "accounts"
      2024-05-01 10:00:00.100 UTC [7] app@shop STATEMENT:  UPDATE accounts SET n = n + 1 WHERE id = 4
      2024-05-01 10:00:01.000 UTC [7] app@shop LOG:  process 7 acquired ShareLock on transaction 775 after 1100.25 ms
      2024-05-01 10:00:01.000 UTC [7] app@shop STATEMENT:  UPDATE accounts SET n = n + 1 WHERE id = 4
      2024-05-01 10:00:01.001 UTC [7] app@shop LOG:  duration: 1101.0 ms  statement: UPDATE accounts SET n = n + 1 WHERE id = 4
      2024-05-01 10:00:02.000 UTC [9] app@shop LOG:  temporary file: path "base/pgsql_tmp/pgsql_tmp9.0", size 1048576
      2024-05-01 10:00:02.000 UTC [9] app@shop STATEMENT:  SELECT * FROM accounts ORDER BY n

      """
    let (log, _) = report(text: text)
    #expect(log.lockWaits == 1 && log.lockWaitMilliseconds == 1100.25)
    #expect(log.tempFiles == 1 && log.tempBytes == 1_048_576)
    let update = log.queries.values.first { $0.query.hasPrefix("UPDATE accounts") }
    #expect(update?.calls == 1)
    #expect(update?.lockWaits == 1 && update?.lockWaitMilliseconds == 1100.25)
    let sort = log.queries.values.first { $0.query.contains("ORDER BY n") }
    #expect(sort?.tempFiles == 1 && sort?.calls == 0)
  }

  @Test func jsonlogEscapesNestedValuesAndNulls() throws {
    let line = #"{"timestamp":"2024-05-01 10:00:00.100 UTC","pid":42,"user":"app","dbname":"shop","extra":{"a":[1,"}"]},"error_severity":"LOG","message":"duration: 1.5 ms  statement: SELECT 'caf\u00e9 \ud83d\ude00', \"q\"\nFROM t","application_name":null,"query_id":0}"#
    let event = try #require(JSONLogReader.event(from: line[...]))
    #expect(event.severity == "LOG" && event.pid == "42" && event.user == "app" && event.database == "shop")
    #expect(event.message == "duration: 1.5 ms  statement: SELECT 'café 😀', \"q\"\nFROM t")
    #expect(event.application == nil)
    #expect(JSONLogReader.event(from: #"{"error_severity":"LOG","message":"unterminated}"#[...]) == nil)
  }

  @Test func unrecognizedInputIsDiagnosed() {
    let (log, diagnosis) = report(text: "hello world\nthis is not a postgres log\n")
    #expect(log.totalQueries == 0)
    #expect(diagnosis.linesRead == 2)
    #expect(diagnosis.unrecognizedLines.first == "hello world")
  }

  @Test func histogramPercentilesAreWithinTwoPercent() {
    var histogram = LatencyHistogram()
    for value in 1...1000 { histogram.record(Double(value)) }
    #expect(abs(histogram.percentile(0.5) - 500) / 500 < 0.02)
    #expect(abs(histogram.percentile(0.99) - 990) / 990 < 0.02)
    var other = LatencyHistogram()
    other.record(5000)
    histogram.merge(other)
    #expect(histogram.total == 1001)
  }
}
