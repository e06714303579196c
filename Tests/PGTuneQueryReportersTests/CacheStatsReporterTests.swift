import Foundation
import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// `cache stats`: a row per tier, an unavailable tier said as such, the hit ratio computed.
@Suite struct CacheStatsReporterTests {
  static let tiers = [
    TierReport(
      kind: "sqlite", location: "/tmp/store.sqlite", usage: TierUsage(entries: 1_200, bytes: 3_400_000),
      counters: TierCounters(hits: 900, misses: 300, writes: 300, errors: 0, evictions: 0, latencyNanoseconds: 1_200_000, operations: 1_200),
      available: true),
    TierReport(kind: "redis", location: "127.0.0.1:6379", usage: nil, counters: TierCounters(), available: false),
  ]

  @Test func textSnapshot() {
    let text = CacheStatsReporter.renderText(Self.tiers)
    #expect(snapshotMismatch(text, fixture: "expected/reporters/cache-stats.txt") == nil)
  }

  @Test func json() throws {
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(CacheStatsReporter.renderJSON(Self.tiers).utf8)) as? [String: Any])
    let tiers = try #require(object["tiers"] as? [[String: Any]])
    #expect(tiers.count == 2)
    #expect(tiers[0]["hit_ratio"] as? Double == 0.75)
    #expect(tiers[1]["available"] as? Bool == false)
  }
}
