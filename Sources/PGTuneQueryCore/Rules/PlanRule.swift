/// Everything a plan rule may look at for one statement's plan.
public final class PlanContext: Sendable {
  public let result: ExplainResult
  /// The plan's nodes in pre-order with derived metrics.
  public let entries: [PlanEntry]
  /// Whether the plan comes from EXPLAIN ANALYZE (actual rows and times present).
  public let analyzed: Bool
  /// Table sizes and indexes, when a database was given.
  public let catalog: CatalogFacts?
  public let options: [String: ConfigValue]

  public init(result: ExplainResult, catalog: CatalogFacts?, options: [String: ConfigValue] = [:]) {
    self.result = result
    self.entries = PlanWalker.entries(of: result.plan)
    self.analyzed = result.plan.isAnalyzed
    self.catalog = catalog
    self.options = options
  }

  func with(options: [String: ConfigValue]) -> PlanContext {
    PlanContext(result: result, catalog: catalog, options: options)
  }

  /// A declared option's value: the configuration's, or its default.
  public func number(_ option: RuleOption) -> Double { option.value(in: options) }

  /// The number of rows in the relation a scan reads: the catalog's estimate when we have it;
  /// otherwise, with ANALYZE, the rows the scan saw (returned plus filtered out).
  public func relationRows(of node: PlanNode) -> Double? {
    if let name = node.relationName, let size = catalog?.relation(schema: node.schema, name: name) {
      return size.rows
    }
    guard let returned = node.actualTotalRows else { return nil }
    return returned + (node.rowsRemovedByFilter ?? 0) * (node.actualLoops ?? 1)
  }
}

/// A node a plan rule objects to.
public struct PlanViolation: Sendable, Equatable {
  /// Index of the node in `PlanContext.entries`.
  public let node: Int
  public let message: String
  public let help: String?

  public init(node: Int, message: String, help: String? = nil) {
    self.node = node
    self.message = message
    self.help = help
  }
}

/// A rule over an EXPLAIN plan. Its description's examples are plan fixture names
/// (`Fixtures/plans/NN-name`): the rule must fire on the triggering ones, as their
/// `.expect.json` says, and not on the others.
public protocol PlanRule: Sendable {
  static var description: RuleDescription { get }
  init()
  func check(_ context: PlanContext) -> [PlanViolation]
}

/// Formats numbers for messages: 1234567 → "1,234,567", 0.5 → "0.5".
enum Figures {
  static func count(_ value: Double) -> String {
    let rounded = Int(exactly: value.rounded()) ?? (value.isNaN ? 0 : value < 0 ? Int.min + 1 : Int.max)
    var digits = String(abs(rounded))
    var groups: [String] = []
    while digits.count > 3 {
      groups.insert(String(digits.suffix(3)), at: 0)
      digits = String(digits.dropLast(3))
    }
    groups.insert(digits, at: 0)
    return (rounded < 0 ? "-" : "") + groups.joined(separator: ",")
  }

  /// "1 row", "2,000 rows".
  static func rows(_ value: Double) -> String { "\(count(value)) row\(count(value) == "1" ? "" : "s")" }

  /// "1 worker", "2 workers".
  static func plural(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

  static func milliseconds(_ value: Double) -> String {
    value >= 100 ? "\(whole(value.rounded())) ms" : String(format: "%.1f ms", value)
  }

  static func percent(_ share: Double) -> String { "\(whole((share * 100).rounded())) %" }

  static func kilobytes(_ value: Double) -> String {
    value >= 1024 ? String(format: "%.1f MB", value / 1024) : "\(whole(value.rounded(.towardZero))) kB"
  }

  /// An integral value as digits. A damaged plan can carry a JIT time of 1e300 or NaN, which
  /// `Int(_:)` traps on (found by the plan-json fuzzer); those are printed as they are.
  private static func whole(_ value: Double) -> String {
    Int(exactly: value).map(String.init) ?? String(format: "%.0f", value)
  }
}

import Foundation
