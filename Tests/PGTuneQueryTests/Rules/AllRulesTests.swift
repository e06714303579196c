import Foundation
import PGTuneQuery
import TestSupport
import Testing

@Suite struct AllRulesTests {
  /// A rule file that is not listed in `AllRules` would silently never run.
  @Test func everyRuleFileIsListed() throws {
    let counts = [
      ("Query", AllRules.queryDescriptions.count - AllRules.migrationRules.count), ("Migration", AllRules.migrationRules.count),
      ("Plan", AllRules.planDescriptions.count),
    ]
    for (folder, listed) in counts {
      let directory = Repository.path("Sources/PGTuneQueryCore/Rules/\(folder)")
      let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix("Rule.swift") }
      #expect(files.count == listed, "Rules/\(folder) has \(files.count) rule files, AllRules lists \(listed)")
    }
    #expect(AllRules.queryDescriptions.count >= 24)
    #expect(AllRules.planDescriptions.count >= 12)
  }

  @Test func idsAreUniqueKebabCase() {
    let ids = AllRules.descriptions.map(\.id)
    #expect(Set(ids).count == ids.count)
    for id in ids {
      #expect(id.allSatisfy { $0.isLowercase || $0 == "-" }, "\(id) is not kebab-case")
    }
  }

  @Test func theIssueCatalogueIsComplete() {
    let required: Set = [
      "select-star", "update-without-where", "delete-without-where", "cartesian-join", "not-in-subquery",
      "leading-wildcard-like", "large-offset", "function-on-indexable-column", "or-to-in", "compare-to-null",
      "order-by-random", "count-for-existence", "union-without-all", "syntax-error",
      "seq-scan-large-table", "expensive-plan", "dominant-node", "row-misestimate", "sort-spill", "hash-batches",
      "nested-loop-large-outer", "lossy-bitmap-heap-scan", "high-filter-removal", "index-only-heap-fetches",
      "workers-not-launched", "jit-overhead", "cartesian-product-plan", "not-explainable", "explain-timeout",
    ]
    #expect(required.isSubset(of: AllRules.ids))
    #expect(AllRules.description(of: "union-without-all")?.defaultSeverity == .info)
    #expect(AllRules.description(of: "compare-to-null")?.defaultSeverity == .error)
  }
}
