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
    subcommands: [Analyze.self, Check.self, Report.self, Warm.self, History.self, Cache.self, Rules.self],
    defaultSubcommand: Analyze.self)

  /// ArgumentParser exits with 64 (EX_USAGE) on a usage error; our documented code is 2.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      if exitCode(for: error) == .validationFailure {
        Terminal.writeError(fullMessage(for: error))
        Foundation.exit(ExitStatus.usage.rawValue)
      }
      exit(withError: error)
    }
  }
}
