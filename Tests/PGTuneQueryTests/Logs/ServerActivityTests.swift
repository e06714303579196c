import Foundation
@testable import PGTuneQuery
import TestSupport
import Testing

/// `Fixtures/logs/server-activity.log`: one of each message the server writes about itself.
@Suite struct ServerActivityTests {
  private func report() throws -> LogReport {
    let handle = try #require(FileHandle(forReadingAtPath: Repository.path("Fixtures/logs/server-activity.log")))
    return LogReader().read(handle).0
  }

  @Test func connectionsAndSessions() throws {
    let activity = try report().activity
    #expect(activity.connections == 1)
    #expect(activity.connectionsByDatabase == ["shop": 1])
    #expect(activity.connectionsByApplication == ["web": 1])
    #expect(activity.connectionsByHost == ["10.0.0.7": 1])
    #expect(activity.sessions == 1)
    #expect(activity.sessionMilliseconds == 4_500)
  }

  @Test func checkpointsAndMaintenance() throws {
    let activity = try report().activity
    #expect(activity.checkpoints.byCause == ["time": 1])
    #expect(activity.checkpoints.completed == 1)
    #expect(activity.checkpoints.buffers == 42)
    #expect(activity.checkpoints.writeMilliseconds == 1_500)
    #expect(activity.checkpoints.distanceKB == 1_024)
    let vacuum = try #require(activity.vacuums["shop.public.orders"])
    #expect(vacuum.count == 1 && vacuum.removedTuples == 250 && vacuum.removedPages == 3 && vacuum.milliseconds == 250)
    #expect(activity.analyzes["shop.public.orders"]?.milliseconds == 50)
  }

  @Test func eventsAndQueryTypes() throws {
    let log = try report()
    #expect(log.activity.events["too many clients"] == 1)
    #expect(log.activity.events["unexpected EOF from a client"] == 1)
    #expect(log.activity.events["server shut down"] == 1)
    #expect(log.activity.events["fast shutdown requested"] == 1)
    // Server messages are not queries; the four statements are.
    #expect(log.totalQueries == 4)
    #expect(log.queryTypes["SELECT"]?.calls == 2)
    #expect(log.queryTypes["UPDATE"]?.calls == 1)
    // WITH … DELETE … SELECT counts as the DELETE it performs.
    #expect(log.queryTypes["DELETE"]?.calls == 1)
    #expect(log.perHour.keys.sorted() == ["2024-05-01 10", "2024-05-01 11"])
  }

  @Test func partsAddUpToTheWhole() throws {
    let text = try String(contentsOfFile: Repository.path("Fixtures/logs/server-activity.log"), encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let cut = lines.firstIndex { $0.contains("checkpoint complete") } ?? 1
    let head = LogReader().read(bytes: Array(lines[..<cut].joined(separator: "\n").utf8) + [10]).0
    let tail = LogReader().read(bytes: Array(lines[cut...].joined(separator: "\n").utf8)).0
    #expect(LogReportMerge.merge(head, tail).activity == (try report()).activity)
  }

  @Test func keptByTheStoreAndMergedBack() throws {
    let store = TieredStore(tiers: [try SQLiteTier(path: SQLiteTierTests.scratchPath())])
    let log = try report()
    ReportStore.record(log, store: store)
    ReportStore.record(log, store: store)
    let (merged, runs) = ReportStore.load(from: store)
    #expect(runs == 2)
    var twice = log.activity
    twice.merge(log.activity)
    #expect(merged.activity == twice)
    #expect(merged.activity.checkpoints.completed == 2)
  }

  @Test func queryTypes() {
    #expect(ServerActivity.queryType("select 1") == "SELECT")
    #expect(ServerActivity.queryType("WITH x AS (SELECT 1) SELECT * FROM x") == "SELECT")
    #expect(ServerActivity.queryType("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x") == "INSERT")
    #expect(ServerActivity.queryType("CREATE INDEX i ON t (a)") == "DDL")
    #expect(ServerActivity.queryType("COMMIT") == "TCL")
    #expect(ServerActivity.queryType("VACUUM t") == "OTHER")
  }
}
