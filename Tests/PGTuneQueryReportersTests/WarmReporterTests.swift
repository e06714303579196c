@testable import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// `warm`'s account: the totals add up to the queries chosen.
@Suite struct WarmReporterTests {
  @Test func totalsAddUp() {
    func query(_ text: String) -> QueryAggregate {
      var aggregate = QueryAggregate(fingerprint: text, query: text)
      aggregate.totalMilliseconds = 1_000
      return aggregate
    }
    var outcome = WarmOutcome()
    outcome.retriesAllowed = 3
    outcome.items = [
      .init(query: query("SELECT 1"), state: .analyzed, cost: 12),
      .init(query: query("SELECT 2"), state: .fresh, cost: 8),
      .init(query: query("CREATE INDEX i ON t (a)"), state: .notSent, cost: nil),
      .init(query: query("SELECT 3"), state: .failed, cost: nil),
    ]
    let text = WarmReporter.text(outcome)
    #expect(snapshotMismatch(text, fixture: "expected/reporters/warm.txt") == nil)
    #expect(text.hasPrefix("warmed 4 queries: 1 analyzed, 1 already fresh, 1 not sent (not a plannable statement), 1 failed after 3 retries\n"))
  }
}
