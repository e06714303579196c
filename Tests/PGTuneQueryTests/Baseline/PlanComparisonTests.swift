import Foundation
@testable import PGTuneQuery
import TestSupport
import Testing

/// The baseline comparison on plans read from the fixtures (no database).
@Suite struct PlanComparisonTests {
  private func entry(_ fixture: String) throws -> Baseline.Entry {
    let text = try String(contentsOfFile: Repository.path("Fixtures/plans/\(fixture).json"), encoding: .utf8)
    let plan = try #require(try ExplainResult.parseAll(text).first)
    return Baseline.Entry(plan: plan, name: nil, file: "q.sql", fingerprint: "f")
  }

  @Test func aZeroCostBaselineStillRegresses() throws {
    var zero = try entry("01-index-lookup")
    zero.totalCost = 0
    let current = try entry("02-seq-scan-large-table")
    let found = PlanComparison.differences(zero, current, maxIncrease: 0.2, catalog: nil, largeTableRows: 10_000)
    let regression = try #require(found.first { $0.0.id == "cost-regression" })
    #expect(regression.1.contains("from nothing"), "\(regression.1)")
    // Zero to almost zero is no regression.
    var tiny = zero
    tiny.totalCost = 0.5
    #expect(PlanComparison.differences(zero, tiny, maxIncrease: 0.2, catalog: nil, largeTableRows: 10_000)
      .allSatisfy { $0.0.id != "cost-regression" })
  }
}
