import Foundation
import PGTuneQuery

/// `warm`'s account: a totals line whose parts add up to the queries chosen, then one line per query.
public enum WarmReporter {
  public static func text(_ outcome: WarmOutcome) -> String {
    let chosen = outcome.items.count
    var parts = [
      "\(outcome.count(.analyzed)) analyzed", "\(outcome.count(.fresh)) already fresh",
      "\(outcome.count(.notSent)) not sent (not a plannable statement)",
    ]
    let failed = outcome.count(.failed)
    if failed > 0 { parts.append("\(failed) failed after \(outcome.retriesAllowed) retries") }
    var text = "warmed \(chosen) quer\(chosen == 1 ? "y" : "ies"): " + parts.joined(separator: ", ") + "\n"
    for item in outcome.items {
      let cost = item.cost.map { String(format: "cost %.0f", $0) } ?? "no plan"
      let total = String(format: "%10.1f ms total", item.query.totalMilliseconds)
      text += "  \(pad(item.state.rawValue, 8)) \(pad(cost, 14)) \(total)  \(item.query.query.prefix(70))\n"
    }
    return text
  }

  private static func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
  }

  static let formats: [OutputFormat<WarmOutcome>] = [OutputFormat(name: "text", summary: "a line per query") { text($0) }]
}
