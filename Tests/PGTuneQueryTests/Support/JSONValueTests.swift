import Foundation
@testable import PGTuneQuery
import Testing

/// The plan JSON reader: the same values Foundation reads, and no 512-level ceiling.
struct JSONValueTests {
  @Test(arguments: [
    #"{"a": [1, 2.5, -3e2, true, false, null], "b": {"c": "d\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}, "e": []}"#,
    #"[]"#, #"{}"#, #"  "x"  "#, #"[[[], {}], {"": 0}]"#, #"0.1"#, #"-0"#, #"1E400"#,
  ])
  func readsWhatFoundationReads(text: String) throws {
    let foundation = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    let ours = try? JSONValue.parse(text)
    #expect((foundation == nil) == (ours == nil), "\(text)")
    guard let ours, let foundation else { return }
    // Round trip: our serialization reads back to the same Foundation value.
    let reread = try JSONSerialization.jsonObject(with: Data(ours.serialized().utf8), options: [.fragmentsAllowed])
    #expect((foundation as? NSObject)?.isEqual(reread) == true, "\(text): \(foundation) ≠ \(reread)")
  }

  @Test(arguments: [
    "", "[", "{", "[1,]", "{\"a\"}", "{\"a\":}", "{a: 1}", "[1 2]", "tru", "nul", "\"abc", "\"\\x\"", "\"\u{01}\"",
    "[1]x", "01x", "-", "\"\\u12\"",
  ])
  func rejectsWhatIsNotJSON(text: String) {
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
  }

  @Test func depthIsBoundedWithoutRecursion() throws {
    let deep = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
    #expect(throws: Never.self) { try JSONValue.parse(deep) }
    let tooDeep = "[" + deep + "]"
    #expect { try JSONValue.parse(tooDeep) } throws: { ($0 as? JSONSyntaxError)?.message.contains("nested deeper") == true }
    // A million levels is an error, not a stack overflow.
    let hostile = String(repeating: "{\"a\":", count: 1_000_000)
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(hostile) }
  }

  @Test func sortedKeysAndIntegers() throws {
    let value = try JSONValue.parse(#"{"b": 2.0, "a": [35.5, 2550, 1e-5], "C": "x\ny"}"#)
    #expect(value.serialized(sortedKeys: true) == #"{"C":"x\ny","a":[35.5,2550,1e-05],"b":2}"#)
    #expect(value.serialized() == #"{"b":2,"a":[35.5,2550,1e-05],"C":"x\ny"}"#)
  }

  /// A 1,000-level plan (a 2,000-level JSON document) reads through `parseAll`, the text
  /// parser and the cache's restore path; Foundation's readers stop at 512 JSON levels.
  @Test func deepPlansRead() throws {
    func plan(depth: Int) -> String {
      var node = #"{"Node Type": "Result", "Total Cost": 0.01, "Plan Rows": 1}"#
      for level in 1..<depth {
        node = #"{"Node Type": "Limit", "Total Cost": \#(level), "Plan Rows": 1, "Plans": [\#(node)]}"#
      }
      return "[{\"Plan\": \(node), \"Planning Time\": 0.5}]"
    }
    let results = try ExplainResult.parseAll(plan(depth: 1_000))
    var depth = 0
    var node: PlanNode? = results[0].plan
    while let current = node { depth += 1; node = current.plans.first }
    #expect(depth == 1_000)
    #expect(results[0].planningTime == 0.5)
    let restored = try #require(ExplainResult.restored(planJSON: results[0].planJSON, planningTime: 0.5, executionTime: nil))
    #expect(restored.plan.totalCost == 999)
    #expect(throws: PlanFormatError.self) { try ExplainResult.parseAll(plan(depth: JSONValue.maximumDepth)) }
    let text = (0..<600).map { String(repeating: " ", count: $0 * 6) + ($0 == 0 ? "" : "->  ") + "Limit  (cost=0.00..1.00 rows=1 width=4)" }
      .joined(separator: "\n")
    let textPlan = try #require(TextPlanParser.parse(text))
    #expect(textPlan.plan.plans.first?.plans.first?.nodeType == "Limit")
  }
}
