import Foundation
@testable import PGTuneQuery
import TestSupport
import Testing

/// The log shapes managed services and syslog write, each as a fixture written from their
/// documented line formats (`Fixtures/logs/shapes/`): the same five events — a two-line statement
/// and its repeat with another constant, a failed statement and its STATEMENT line — must give
/// the same report in every shape, read with no --prefix and no --log-format.
@Suite struct LogShapeTests {
  static let shapes = ["rds", "cloudwatch", "azure", "heroku", "rfc5424", "rfc3164"]

  private func report(_ shape: String) throws -> (LogReport, LogDiagnosis) {
    let handle = try #require(FileHandle(forReadingAtPath: Repository.path("Fixtures/logs/shapes/\(shape).log")))
    return LogReader().read(handle)
  }

  @Test(arguments: shapes) func sameReportInEveryShape(shape: String) throws {
    let (log, diagnosis) = try report(shape)
    #expect(diagnosis.format == .stderr)
    let lookup = try #require(log.queries.values.first { $0.query.hasPrefix("SELECT id, total") }, "\(log.queries.values.map(\.query))")
    #expect(lookup.calls == 2)
    #expect(lookup.totalMilliseconds == 20)
    // The continuation line joins its statement, without the syslog header or `#011`.
    #expect(lookup.query.replacingOccurrences(of: "\n", with: " ") == "SELECT id, total FROM orders WHERE customer_id = $1", "\(lookup.query)")
    #expect(!lookup.query.contains("#011") && !lookup.query.contains("postgres"))
    #expect(log.totalErrors == 1)
    #expect(log.errors.values.first?.statement == "SELECT * FROM missing")
  }

  @Test(arguments: ["rds", "cloudwatch", "heroku", "rfc5424"]) func timestampsUsersAndDatabases(shape: String) throws {
    let (log, _) = try report(shape)
    #expect(log.perMinute.keys.sorted().first == "2024-05-01 10:00", "\(log.perMinute.keys.sorted())")
    #expect(log.byDatabase["shop"]?.calls == 2, "\(log.byDatabase.keys.sorted())")
    #expect(log.byUser["app"]?.calls == 2, "\(log.byUser.keys.sorted())")
  }

  /// RFC 3164 carries no year: the current one is used, so minutes and hours still count.
  @Test func rfc3164TimestampsGetThisYear() throws {
    let (log, _) = try report("rfc3164")
    let year = Calendar(identifier: .gregorian).component(.year, from: Date())
    #expect(log.perMinute.keys.sorted().first == "\(year)-05-01 10:00", "\(log.perMinute.keys.sorted())")
    #expect(log.byDatabase["shop"]?.calls == 2)
  }

  @Test func herokuPairsAreUnquoted() throws {
    let (log, _) = try report("heroku")
    #expect(log.byApplication["web"]?.calls == 2, "\(log.byApplication.keys.sorted())")
  }

  /// Azure's `%t-%c-`: the session id carries the pid in hex (0x1092 = 4242), which pairs a
  /// session's statements like `%p` does.
  @Test func azureSessionIdGivesThePid() throws {
    var event = LogEvent(severity: "LOG", message: "")
    StderrLogReader.guessPrefix("2024-05-01 10:00:00 UTC-66321a00.1092-", into: &event)
    #expect(event.pid == "4242")
    #expect(event.timestamp == "2024-05-01 10:00:00 UTC")
  }

  @Test func syslogContinuationLines() {
    #expect(StderrLogReader.syslogContinuation("May  1 10:00:00 db1 postgres[42]: [9-2] #011FROM t") == "\tFROM t")
    #expect(StderrLogReader.syslogContinuation("<134>1 2024-05-01T10:00:00Z h postgres 42 - - [12-3] AND x = 1") == "AND x = 1")
    // The first part of a message is not a continuation, nor is an array literal in a statement.
    #expect(StderrLogReader.syslogContinuation("May  1 10:00:00 db1 postgres[42]: [9-1] LOG:  x") == nil)
    #expect(StderrLogReader.syslogContinuation("\tWHERE a = ANY ('{1,2}') AND b[1-1] = 2") == nil)
  }
}
