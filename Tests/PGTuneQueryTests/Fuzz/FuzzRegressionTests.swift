import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// Every crash `make fuzz` found, kept as its minimized input (`Fixtures/fuzz/regressions/`,
/// named `<harness>-<what>.…`) and run here through the same code the harness calls.
@Suite struct FuzzRegressionTests {
  static let directory = Repository.path("Fixtures/fuzz/regressions")
  static var inputs: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() }

  @Test(arguments: inputs)
  func regressionInputIsHandled(name: String) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/\(name)")))
    if name.hasPrefix("statements-") {
      // Raw bytes, as the harness feeds them: invalid UTF-8 included (files are validated first).
      let files = Analyzer(jobs: 1).analyze([SourceFile(name: name, bytes: bytes)])
      #expect(!files[0].statements.isEmpty)
    }
    if name.hasPrefix("plan-json-") {
      // As the harness does: read the plans, then run every plan rule on them.
      let results = (try? ExplainResult.parseAll(String(decoding: bytes, as: UTF8.self))) ?? []
      #expect(!results.isEmpty)
      for result in results {
        _ = PlanChecker.findings(for: result, catalog: nil, configuration: Configuration(), offset: 0)
      }
    }
  }

  @Test func thereAreRegressionInputs() { #expect(!Self.inputs.isEmpty) }
}

/// Numbers from damaged inputs that used to trap in an integer conversion (found by the
/// plan-json harness: a cost of 6.7e47; the same class of number in logs and the store).
@Suite struct OversizedNumberTests {
    /// A JIT time of 1e300 ms reached `Int(_:)` in the JIT rule's message (plan-json harness).
  @Test func hugeJITTimeIsReportedAsItIs() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Repository.path("Fixtures/fuzz/regressions/plan-json-huge-jit-time.json")))
    let result = try #require(try ExplainResult.parseAll(String(decoding: bytes, as: UTF8.self)).first)
    let findings = PlanChecker.findings(for: result, catalog: nil, configuration: Configuration(), offset: 0)
    let jit = try #require(findings.first { $0.rule == "jit-overhead" })
    #expect(jit.message.hasPrefix("JIT took \(String(format: "%.0f", 1e300)) ms of "))
    #expect(jit.message.hasSuffix("(50 %)"))
  }

@Test func oversizedFiguresDoNotTrap() throws {
    let digits = String(repeating: "9", count: 400)
    if case .query = LogMessage.classify("duration: \(digits) ms  statement: SELECT 1"[...]) {
      Issue.record("a 400-digit duration was taken for one")
    }
    var histogram = LatencyHistogram()
    histogram.record(.infinity)
    histogram.record(1e300)
    #expect(histogram.percentile(0.5) > 0)
    let plan = #"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "t", "Total Cost": 1e300, "Plan Rows": 1e300, "Actual Rows": 1e300, "Actual Loops": 1, "Actual Total Time": 1, "Rows Removed by Filter": 1e300, "Filter": "(a = 1)"}}]"#
    let results = try ExplainResult.parseAll(plan)
    #expect(results[0].plan.totalCost == 1e15)
    _ = PlanChecker.findings(for: results[0], catalog: nil, configuration: Configuration(), offset: 0)
  }
}
