import Foundation
@testable import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// `history`: a table per query with cost and timing columns apart, and JSON.
@Suite struct HistoryReporterTests {
  static let trend = HistoryTrend(
    fingerprint: "22a61bb95a93a07d", query: "SELECT * FROM orders WHERE customer_id = $1",
    entries: [
      HistoryEntry(time: 1_764_000_000_000, source: "analyze", fingerprint: "22a61bb95a93a07d", query: "SELECT …", cost: 4_710, rows: 20, planShape: "a", indexes: []),
      HistoryEntry(time: 1_764_086_400_000, source: "analyze", fingerprint: "22a61bb95a93a07d", query: "SELECT …", cost: 123, rows: 20, planShape: "b", indexes: ["orders_customer_id_idx"]),
      HistoryEntry(time: 1_764_172_800_000, source: "report", fingerprint: "22a61bb95a93a07d", query: "SELECT …", calls: 120, totalMs: 60, meanMs: 0.5, p95Ms: 0.9, p99Ms: 1.2),
    ])

  @Test func textSnapshot() {
    let text = HistoryReporter.renderText([Self.trend], detailed: true)
    #expect(snapshotMismatch(text, fixture: "expected/reporters/history.txt") == nil)
    #expect(text.contains("(changed)"))
  }

  @Test func json() throws {
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(HistoryReporter.renderJSON([Self.trend]).utf8)) as? [String: Any])
    let queries = try #require(object["queries"] as? [[String: Any]])
    #expect(queries.first?["fingerprint"] as? String == "22a61bb95a93a07d")
    #expect((queries.first?["entries"] as? [Any])?.count == 3)
  }
}
