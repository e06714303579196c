import ArgumentParser
import PGTuneQuery

extension PGTuneQueryCommand {
  /// `pgtune-query rules [ID]`: the rule catalogue.
  struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rules",
      abstract: "List the rules, or explain one.")

    @Argument(help: ArgumentHelp("A rule id to explain.", valueName: "rule-id"), completion: .list(AllRules.descriptions.map(\.id)))
    var rule: String?

    func validate() throws {
      if let rule, AllRules.description(of: rule) == nil {
        throw ValidationError("unknown rule '\(rule)'\(Suggestion.hint(for: rule, in: AllRules.descriptions.map(\.id))); `pgtune-query rules` lists them")
      }
    }

    func run() {
      if let rule, let description = AllRules.description(of: rule) {
        var text = "\(description.id) (\(description.defaultSeverity.rawValue)): \(description.summary)\n\n"
        text += description.rationale + "\n"
        let isPlanRule = AllRules.planDescriptions.contains { $0.id == description.id }
        if !description.triggering.isEmpty {
          text += isPlanRule ? "\nReported on the plans Fixtures/plans/:\n" : "\nReported:\n"
          text += description.triggering.map { "  " + $0.replacingOccurrences(of: "↓", with: "") }.joined(separator: "\n")
          text += isPlanRule ? "\n\nNot reported on:\n" : "\n\nNot reported:\n"
          text += description.nonTriggering.map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        Terminal.write(text)
        return
      }
      let width = AllRules.descriptions.map(\.id.count).max() ?? 0
      let lines = AllRules.descriptions.map { description in
        let padding = String(repeating: " ", count: width - description.id.count)
        return "\(description.id)\(padding)  \(description.defaultSeverity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(description.summary)"
      }
      Terminal.write(lines.joined(separator: "\n") + "\n")
    }
  }
}

import Foundation
