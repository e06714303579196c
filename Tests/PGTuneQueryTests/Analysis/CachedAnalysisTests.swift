@testable import PGTuneQuery
import Testing

/// The stored form of a live analysis: round trip, and damage read as a miss.
struct CachedAnalysisTests {
  let entry = CachedAnalysis(
    plan: #"{"Node Type":"Seq Scan","Relation Name":"orders","Startup Cost":0,"Total Cost":35.5,"Plan Rows":2550,"Plan Width":4}"#,
    planningTime: 0.12, executionTime: nil, analyzed: false, verified: true,
    candidates: [
      .init(
        schema: "public", table: "orders",
        keys: [.init(text: "lower(email)", isExpression: true, descending: false, operatorClass: "text_pattern_ops")],
        include: ["total"], predicate: "status = 'new'", reason: "equality on lower(email)", costBefore: 1_000, costAfter: 8.5)
    ],
    rewrites: [.init(rule: "or-to-in", sql: "SELECT 1 WHERE a IN (1, 2)", caveat: nil, costBefore: 10, costAfter: nil)],
    storedAt: 1_790_000_000_000, advisor: "a1", rewriting: nil)

  @Test func roundTrip() throws {
    let bytes = try #require(entry.encoded())
    #expect(CachedAnalysis.decode(bytes) == entry)
    let restored = try #require(ExplainResult.restored(planJSON: entry.plan, planningTime: nil, executionTime: nil))
    #expect(restored.plan.relationName == "orders")
  }

  @Test func damagedEntriesAreMisses() throws {
    let bytes = try #require(entry.encoded())
    #expect(CachedAnalysis.decode(Array(bytes.prefix(30))) == nil)
    var otherLayout = bytes
    otherLayout[0] = 99
    #expect(CachedAnalysis.decode(otherLayout) == nil)
    #expect(CachedAnalysis.decode([]) == nil)
  }
}
