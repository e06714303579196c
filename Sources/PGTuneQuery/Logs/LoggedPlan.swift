import Foundation

/// What the auto_explain plans logged for one query add up to: how many, how long they took,
/// which plan rules they broke, and the time spent in sequential scans per table ("this query
/// spent 4 h in seq scans on orders").
public struct LoggedPlans: Sendable, Equatable, Codable {
  public struct RuleTally: Sendable, Equatable, Codable {
    public var severity: Severity
    public var count: Int
    /// The message of the slowest plan with this finding.
    public var message: String
    public var slowestMilliseconds: Double
  }

  public var count = 0
  public var totalMilliseconds = 0.0
  public var findings: [String: RuleTally] = [:]
  /// Per table: milliseconds of sequential scanning (measured when the plan has actual times,
  /// otherwise the plan's duration times the scan's share of the cost).
  public var seqScanMilliseconds: [String: Double] = [:]
  /// Whether every seq-scan time came from actual timings.
  public var seqScanTimesMeasured = true
  /// The slowest plan, as EXPLAIN JSON.
  public var slowestMilliseconds = 0.0
  public var slowestPlan: String?

  mutating func add(_ plan: ExplainResult, milliseconds: Double, configuration: Configuration) {
    count += 1
    totalMilliseconds += milliseconds
    for finding in PlanChecker.findings(for: plan, catalog: nil, configuration: configuration, offset: 0) {
      var tally = findings[finding.rule] ?? RuleTally(severity: finding.severity, count: 0, message: finding.message, slowestMilliseconds: 0)
      tally.count += 1
      if milliseconds >= tally.slowestMilliseconds {
        tally.message = finding.message
        tally.slowestMilliseconds = milliseconds
      }
      findings[finding.rule] = tally
    }
    for entry in PlanWalker.entries(of: plan.plan) where entry.node.nodeType == "Seq Scan" {
      guard let relation = entry.node.relationName else { continue }
      let name = entry.node.schema.map { "\($0).\(relation)" } ?? relation
      let spent: Double
      if let exclusive = entry.exclusiveTime {
        spent = exclusive
      } else {
        spent = milliseconds * entry.costShare
        seqScanTimesMeasured = false
      }
      seqScanMilliseconds[name, default: 0] += spent
    }
    if milliseconds >= slowestMilliseconds {
      slowestMilliseconds = milliseconds
      slowestPlan = plan.planJSON
    }
  }

  mutating func merge(_ other: LoggedPlans) {
    count += other.count
    totalMilliseconds += other.totalMilliseconds
    for (rule, tally) in other.findings {
      guard var existing = findings[rule] else {
        findings[rule] = tally
        continue
      }
      existing.count += tally.count
      if tally.slowestMilliseconds > existing.slowestMilliseconds {
        existing.message = tally.message
        existing.slowestMilliseconds = tally.slowestMilliseconds
      }
      findings[rule] = existing
    }
    for (table, milliseconds) in other.seqScanMilliseconds { seqScanMilliseconds[table, default: 0] += milliseconds }
    seqScanTimesMeasured = seqScanTimesMeasured && other.seqScanTimesMeasured
    if other.slowestMilliseconds > slowestMilliseconds {
      slowestMilliseconds = other.slowestMilliseconds
      slowestPlan = other.slowestPlan
    }
  }
}

/// An auto_explain message: the query it was for and its plan, in text or JSON format.
enum LoggedPlan {
  /// `text` is what follows `plan:` in the message (continuation lines joined with newlines).
  static func read(_ text: String) -> (query: String, plan: ExplainResult)? {
    let body = trimmed(text)
    if body.hasPrefix("{") {
      // One decoding pass; the entry's text is kept as the plan to show.
      guard let entry = try? JSONValue.parse(body), let query = entry["Query Text"]?.string,
        let plan = try? ExplainResult(entry: entry)
      else { return nil }
      return (query, plan)
    }
    // Text format: `Query Text: …` (possibly several lines), then the plan from its first node.
    guard body.hasPrefix("Query Text: ") else { return nil }
    let lines = body.lineFeedSeparated(omittingEmptySubsequences: false)
    guard let firstNode = lines.firstIndex(where: { TextPlanParser.node(from: $0.drop { $0 == " " }) != nil }) else {
      return nil
    }
    let query = lines[..<firstNode].joined(separator: "\n").dropFirst("Query Text: ".count)
    guard let plan = TextPlanParser.parse(lines: lines[firstNode...]) else { return nil }
    return (String(query), plan)
  }

  /// `text` without the blanks around it, as Foundation's `.whitespacesAndNewlines` trims it (on
  /// Unicode scalars), with the ASCII blanks decided by a switch: its NSString round trip was a
  /// fifth of reading a plan.
  static func trimmed(_ text: String) -> String {
    func isBlank(_ scalar: Unicode.Scalar) -> Bool {
      switch scalar.value {
      case 0x09...0x0D, 0x20: return true
      case 0..<0x80: return false
      default: return CharacterSet.whitespacesAndNewlines.contains(scalar)
      }
    }
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isBlank($0) }), let last = scalars.lastIndex(where: { !isBlank($0) }) else {
      return ""
    }
    return String(scalars[first...last])
  }
}
