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

  /// The list: plan costs and mean times in columns of their own (they used to share one, so a
  /// cost of 123 and a mean of 0.5 ms were read as one series).
  @Test func listKeepsCostsAndTimesApart() {
    let logOnly = HistoryTrend(
      fingerprint: "9f00aa11bb22cc33", query: "UPDATE accounts SET n = n + $2 WHERE id = $1",
      entries: [
        HistoryEntry(time: 1_764_000_000_000, source: "report", fingerprint: "9f00aa11bb22cc33", query: "UPDATE …", calls: 10, totalMs: 20, meanMs: 2, p95Ms: 3, p99Ms: 4),
        HistoryEntry(time: 1_764_086_400_000, source: "report", fingerprint: "9f00aa11bb22cc33", query: "UPDATE …", calls: 10, totalMs: 35, meanMs: 3.5, p95Ms: 5, p99Ms: 6),
      ])
    let text = HistoryReporter.renderText([Self.trend, logOnly], detailed: false)
    #expect(snapshotMismatch(text, fixture: "expected/reporters/history-list.txt") == nil)
    let lines = text.split(separator: "\n")
    #expect(lines[0].contains("COST (FIRST → LAST)") && lines[0].contains("MEAN MS (FIRST → LAST)"))
    #expect(lines[1].contains("4710 → 123") && lines[1].contains("0.50"), "\(lines[1])")
    #expect(lines[2].contains("  -  ") && lines[2].contains("2.00 → 3.50"), "\(lines[2])")
  }

  @Test func json() throws {
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(HistoryReporter.renderJSON([Self.trend]).utf8)) as? [String: Any])
    let queries = try #require(object["queries"] as? [[String: Any]])
    #expect(queries.first?["fingerprint"] as? String == "22a61bb95a93a07d")
    #expect((queries.first?["entries"] as? [Any])?.count == 3)
  }
}
