import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// Plan fixtures are real EXPLAIN output from PostgreSQL 15 (`scripts/make-plan-fixtures.sh`),
/// numbered `NN-name.json`, each with a hand-written `NN-name.expect.json`: the findings the plan
/// rules must produce, no more and no fewer.
@Suite struct PlanFixtureTests {
  struct Expected: Decodable, Equatable, CustomStringConvertible {
    let rule: String
    let message: String
    var description: String { "\(rule): \(message)" }
  }

  static let fixtures: [String] = {
    let directory = Repository.path("Fixtures/plans")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".expect.json") }
      .map { String($0.dropLast(".json".count)) }.sorted()
  }()

  /// The sizes of Fixtures/schemas/shop.sql, as the catalog of a live run would report them.
  static let shopCatalog = CatalogFacts(
    serverVersion: 150_000, searchPath: ["public"], hypopgInstalled: false, hypopgAvailable: false,
    relations: [
      .init(schema: "public", name: "customers", rows: 50_000), .init(schema: "public", name: "products", rows: 2_000),
      .init(schema: "public", name: "orders", rows: 200_000), .init(schema: "public", name: "order_events", rows: 300_000),
    ])

  private static func findings(_ fixture: String) throws -> [Expected] {
    let text = try String(contentsOfFile: Repository.path("Fixtures/plans/\(fixture).json"), encoding: .utf8)
    let results = try ExplainResult.parseAll(text)
    return results.flatMap {
      PlanChecker.findings(for: $0, catalog: shopCatalog, configuration: Configuration(), offset: 0)
        .map { Expected(rule: $0.rule, message: $0.message) }
    }
  }

  @Test(arguments: fixtures)
  func findingsMatchTheExpectation(fixture: String) throws {
    let actual = try Self.findings(fixture)
    let expectPath = Repository.path("Fixtures/plans/\(fixture).expect.json")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      let objects = actual.map { ["rule": $0.rule, "message": $0.message] }
      let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
      try data.write(to: URL(fileURLWithPath: expectPath))
    }
    let expected = try JSONDecoder().decode([Expected].self, from: Data(contentsOf: URL(fileURLWithPath: expectPath)))
    #expect(actual == expected)
  }

  /// Every plan rule names fixtures it fires on and fixtures it stays silent on, and the
  /// expectation files agree with those names.
  @Test(arguments: AllRules.planDescriptions)
  func ruleExamplesAgreeWithFixtures(rule: RuleDescription) throws {
    #expect(!rule.triggering.isEmpty && !rule.nonTriggering.isEmpty)
    for fixture in rule.triggering {
      #expect(Self.fixtures.contains(fixture), "\(rule.id): no fixture \(fixture)")
      #expect(try Self.findings(fixture).contains { $0.rule == rule.id }, "\(rule.id) silent on \(fixture)")
    }
    for fixture in rule.nonTriggering {
      #expect(try !Self.findings(fixture).contains { $0.rule == rule.id }, "\(rule.id) fired on \(fixture)")
    }
  }

  /// Offline (a pasted plan without ANALYZE and no catalog) the table size is unknown: no guess.
  @Test func withoutCatalogOrAnalyzeSizeRulesStaySilent() throws {
    let text = try String(contentsOfFile: Repository.path("Fixtures/plans/02-seq-scan-large-table.json"), encoding: .utf8)
    let result = try #require(try ExplainResult.parseAll(text).first)
    let findings = PlanChecker.findings(for: result, catalog: nil, configuration: Configuration(), offset: 0)
    #expect(!findings.contains { $0.rule == "seq-scan-large-table" })
  }

  @Test func metricsAreDerivedChildrenFirst() throws {
    let text = try String(contentsOfFile: Repository.path("Fixtures/plans/07-hash-batches.json"), encoding: .utf8)
    let result = try #require(try ExplainResult.parseAll(text).first)
    let entries = PlanWalker.entries(of: result.plan)
    let total = entries.reduce(0) { $0 + $1.exclusiveCost }
    #expect(abs(total - result.plan.totalCost) < 0.01 * result.plan.totalCost)
    #expect(entries.allSatisfy { $0.costShare >= 0 && $0.costShare <= 1 })
    #expect(entries.compactMap(\.exclusiveTime).count == entries.count)
    let summary = PlanSummary(result)
    #expect(summary.relations.contains("public.orders"))
    #expect(summary.nodeTypes.contains("Hash Join"))
    #expect(summary.spills.count == 1)
  }

  @Test func psqlAlignedOutputAndSeveralPlansAreRead() throws {
    let psql = """
                QUERY PLAN
      ------------------------------
       [                           +
         {                         +
           "Plan": {               +
             "Node Type": "Result",+
             "Total Cost": 0.01,   +
             "Plan Rows": 1        +
           }                       +
         }                         +
       ]
      (1 row)

      [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "t", "Total Cost": 5, "Plan Rows": 10}}]
      """
    let results = try ExplainResult.parseAll(psql)
    #expect(results.map(\.plan.nodeType) == ["Result", "Seq Scan"])
  }

  @Test(arguments: ["", "{\"a\": 1}", "[{\"Plan\": {\"Total Cost\": 1}}]", "not json at all ["])
  func badPlanFilesAreClearErrors(text: String) {
    #expect(throws: PlanFormatError.self) { try ExplainResult.parseAll(text) }
  }
}
