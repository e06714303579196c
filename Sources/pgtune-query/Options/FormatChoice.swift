import ArgumentParser
import PGTuneQuery
import PGTuneQueryReporters

/// A command's list of formats, from the one registry (`OutputFormats`).
protocol FormatList {
  associatedtype Input
  static var formats: [OutputFormat<Input>] { get }
}

enum StatementFormats: FormatList { static var formats: [OutputFormat<AnalysisReport>] { OutputFormats.statements } }
enum LogFormats: FormatList { static var formats: [OutputFormat<LogReportOutput>] { OutputFormats.logs } }
enum HistoryFormats: FormatList { static var formats: [OutputFormat<HistoryReport>] { OutputFormats.history } }
enum IndexFormats: FormatList { static var formats: [OutputFormat<IndexesOutcome>] { OutputFormats.indexes } }
enum CacheStatsFormats: FormatList { static var formats: [OutputFormat<[TierReport]>] { OutputFormats.cacheStats } }

/// `--format NAME`: a name from the command's list; anything else is a usage error listing them.
struct FormatChoice<List: FormatList>: ExpressibleByArgument {
  let format: OutputFormat<List.Input>

  init?(argument: String) {
    guard let format = List.formats.first(where: { $0.name == argument }) else { return nil }
    self.format = format
  }

  private init(format: OutputFormat<List.Input>) { self.format = format }

  /// The format called `name`, or the list's first (its default) when there is none by that name.
  static func named(_ name: String) -> Self {
    Self(argument: name) ?? Self(format: List.formats[0])
  }

  static var allValueStrings: [String] { List.formats.map(\.name) }
  static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
  var defaultValueDescription: String { format.name }
  var name: String { format.name }

  /// The help text: every format with its one-line summary.
  static var help: ArgumentHelp { ArgumentHelp(OutputFormats.help(List.formats), valueName: "format") }
}
