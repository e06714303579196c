import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension PGTuneQueryCommand {
  /// `pgtune-query analyze FILE…`: static analysis of SQL files.
  struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Analyze SQL files and report slow or wrong statements.",
      discussion: """
        Every statement is parsed with PostgreSQL's parser and checked by the static rules. \
        A statement that does not parse is reported at file:line:col (rule syntax-error) and \
        the other statements are still analyzed. Silence a rule for the next statement with \
        `-- pgtune-query: ignore <rule-id>[, <rule-id>]`, or for the whole file with \
        `-- pgtune-query: ignore-file <rule-id>`.
        """)

    @Argument(help: ArgumentHelp("SQL files to analyze; - reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(help: "Output format.")
    var format: AnalyzeFormat = .text

    @Option(help: ArgumentHelp("Parser threads (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Name shown for standard input.", valueName: "name"))
    var stdinName = "<stdin>"

    @OptionGroup var rules: RuleOptions

    func validate() throws {
      guard !files.isEmpty else { throw ValidationError("give at least one SQL file, or - for standard input") }
      if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
      let configuration: Configuration
      do {
        configuration = try rules.resolvedConfiguration()
      } catch {
        Terminal.error(error.localizedDescription)
        throw ExitStatus.usage.exitCode
      }
      let (sources, unreadable) = SourceLoader.load(files, stdinName: stdinName)
      for problem in unreadable { Terminal.error(problem.localizedDescription) }
      let analyses = Analyzer(configuration: configuration, jobs: jobs ?? ProcessInfoCores.count).analyze(sources)
      switch format {
      case .text:
        let style = TextReporter.Style(color: Terminal.useColor, showSource: Terminal.stdoutIsTTY)
        Terminal.write(TextReporter.render(analyses, style: style))
      case .json:
        Terminal.write(JSONReporter.render(analyses))
      }
      if !unreadable.isEmpty { throw ExitStatus.usage.exitCode }
      let threshold = configuration.failOn ?? .error
      if let worst = AnalysisSummary(analyses).worstSeverity, worst >= threshold {
        throw ExitStatus.findings.exitCode
      }
    }
  }
}

/// Reads the inputs named on the command line, collecting the ones that cannot be read.
enum SourceLoader {
  static func load(_ paths: [String], stdinName: String) -> ([SourceFile], [SourceError]) {
    var sources: [SourceFile] = []
    var problems: [SourceError] = []
    for path in paths {
      do {
        if path == "-" {
          let source = SourceFile(name: stdinName, bytes: [UInt8](FileHandle.standardInput.readDataToEndOfFile()))
          try source.validate()
          sources.append(source)
        } else {
          sources.append(try SourceFile.read(path: path))
        }
      } catch {
        problems.append(error)
      }
    }
    return (sources, problems)
  }
}
