@testable import PGTuneQuery
import Testing

/// `--prefix`: a log_line_prefix compiled and read exactly.
struct LogLinePrefixTests {
  private func read(_ format: String, _ prefix: String) throws -> LogEvent? {
    let compiled = try LogLinePrefix(format: format)
    var event = LogEvent(severity: "LOG", message: "")
    return compiled.read(prefix[...].utf8, into: &event) ? event : nil
  }

  @Test func commonPrefixes() throws {
    let debian = try #require(try read("%m [%p] %q%u@%d ", "2024-05-01 10:00:00.123 UTC [42] app@shop "))
    #expect(debian.timestamp == "2024-05-01 10:00:00.123 UTC")
    #expect(debian.pid == "42" && debian.user == "app" && debian.database == "shop")
    let pgbadger = try #require(try read("%t [%p]: user=%u,db=%d,app=%a,client=%h ", "2024-05-01 10:00:00 CEST [7]: user=u,db=d,app=psql interactive,client=::1 "))
    #expect(pgbadger.application == "psql interactive")
    #expect(pgbadger.user == "u" && pgbadger.database == "d")
    let epoch = try #require(try read("%n %c %e ", "1714557600.250 6631a1b2.2a 42P01 "))
    #expect(epoch.timestamp == "2024-05-01 10:00:00.250 UTC")
    #expect(epoch.sqlState == "42P01")
  }

  @Test func backgroundProcessesStopAtPercentQ() throws {
    let checkpointer = try #require(try read("%m [%p] %q%u@%d ", "2024-05-01 10:00:00.123 UTC [9] "))
    #expect(checkpointer.pid == "9" && checkpointer.user == nil)
  }

  @Test func mismatchesAndBadFormats() throws {
    #expect(try read("%m [%p] ", "2024-05-01 10:00:00 UTC pid=3 ") == nil)
    #expect(throws: LogPrefixError.self) { try LogLinePrefix(format: "%m %Z ") }
    #expect(throws: LogPrefixError.self) { try LogLinePrefix(format: "%m %") }
  }
}
