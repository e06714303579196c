import ArgumentParser
import Foundation
import PGTuneQuery

/// The root command: `pgtune-query <subcommand>`.
@main
struct PGTuneQueryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pgtune-query",
    abstract: "Find what is slow or wrong in PostgreSQL SQL, and how to fix it.",
    discussion: """
      Statements are parsed by PostgreSQL's own parser (libpg_query) and checked by static rules \
      on the parse tree. Run `pgtune-query rules` for the rule catalogue.

      Exit status: 0 no finding at or above --fail-on; 1 findings at or above --fail-on; \
      2 usage error or unreadable input; 3 database or connection error; 4 (report) no query found in the log.
      """,
    version: PGTuneQueryVersion.current,
    subcommands: [Analyze.self, Check.self, Report.self, Warm.self, History.self, Cache.self, Indexes.self, Rules.self],
    defaultSubcommand: Analyze.self)

  /// ArgumentParser exits with 64 (EX_USAGE) on a usage error; our documented code is 2.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    // A bare `pgtune-query` asks what the tool does: show the help, not a missing-file error.
    if arguments.isEmpty {
      Terminal.write(helpMessage() + "\n")
      return
    }
    if let problem = mistypedSubcommand(arguments[0]) {
      Terminal.writeError("Error: \(problem)\nRun 'pgtune-query --help' for the subcommands.")
      Foundation.exit(CommandStatus.usage.rawValue)
    }
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      if exitCode(for: error) == .validationFailure {
        Terminal.writeError(fullMessage(for: error))
        Foundation.exit(CommandStatus.usage.rawValue)
      }
      exit(withError: error)
    }
  }

  /// `pgtune-query analyz x.sql`: the default subcommand would take `analyz` as a file name and
  /// report "no such file". A first word that is no file but close to a subcommand is a typo.
  /// Every subcommand names itself in its configuration: a name derived from the type costs a
  /// runtime conformance scan per subcommand, most of `--help`'s start-up.
  static func mistypedSubcommand(_ word: String) -> String? {
    guard !word.hasPrefix("-"), !word.contains("/"), !word.contains(".") else { return nil }
    let names = configuration.subcommands.map { $0._commandName }
    guard !names.contains(word), !FileManager.default.fileExists(atPath: word),
      let closest = Suggestion.closest(to: word, in: names)
    else { return nil }
    return "unknown subcommand '\(word)' (did you mean '\(closest)'?)"
  }
}
