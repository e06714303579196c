import ArgumentParser
import PGTuneQuery

/// Severities as a command-line value, so a typo is a usage error listing the choices.
extension Severity: ExpressibleByArgument {}

/// Which rules run and what fails the run: shared by the commands that run rules.
struct RuleOptions: ParsableArguments {
  @Option(
    name: .customLong("config"),
    help: ArgumentHelp(
      "Configuration file (default: the nearest .pgtune-query.toml from the current directory up).",
      valueName: "path"),
    completion: .file(extensions: ["toml"]))
  var configPath: String?

  @Option(
    help: ArgumentHelp(
      "Exit with status 1 when a finding has this severity or higher (default: error, or fail_on in the configuration).",
      valueName: "severity"))
  var failOn: Severity?

  @Option(
    name: .customLong("disable"), help: ArgumentHelp("Turn a rule off (repeatable).", valueName: "rule-id"),
    completion: .list(AllRules.descriptions.map(\.id)))
  var disabledRules: [String] = []

  @Option(
    name: .customLong("enable"), help: ArgumentHelp("Turn a rule on that the configuration turns off (repeatable).", valueName: "rule-id"),
    completion: .list(AllRules.descriptions.map(\.id)))
  var enabledRules: [String] = []

  func validate() throws {
    for rule in disabledRules + enabledRules where !AllRules.ids.contains(rule) {
      throw ValidationError(
        "unknown rule '\(rule)'\(Suggestion.hint(for: rule, in: AllRules.descriptions.map(\.id))); `pgtune-query rules` lists them")
    }
  }

  /// The configuration for a command: file, rule flags, then database thresholds; a bad
  /// configuration is a one-line error and exit status 2.
  static func configuration(_ rules: RuleOptions, _ database: DatabaseOptions) throws -> Configuration {
    do {
      var configuration = try rules.resolvedConfiguration()
      database.apply(to: &configuration)
      return configuration
    } catch {
      Terminal.error(error.localizedDescription)
      throw ExitCode(CommandStatus.usage.rawValue)
    }
  }

  /// The configuration file's settings with the flags applied on top.
  func resolvedConfiguration() throws -> Configuration {
    var configuration = try Configuration.load(
      path: configPath, searchingFrom: FileManager.default.currentDirectoryPath)
    for rule in enabledRules { configuration.enable(rule) }
    for rule in disabledRules { configuration.disable(rule) }
    if let failOn { configuration.failOn = failOn }
    return configuration
  }
}

import Foundation
