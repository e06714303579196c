import PGTuneQuery

/// The one list of output formats. Each command offers the list for what it produces; adding a
/// format is a reporter file that declares its `OutputFormat` plus one line here. `--help`, the
/// man page and the README's format table are made from these lists (a test keeps the README true).
public enum OutputFormats {
  /// `analyze` and `check`.
  public static let statements: [OutputFormat<AnalysisReport>] = [
    TextReporter.format,
    JSONReporter.format,
    IndexMigrationReporter.format,
    JUnitReporter.format,
    SARIFReporter.format,
    GitHubReporter.format,
    MarkdownReporter.format,
  ]

  /// `report`.
  public static let logs: [OutputFormat<LogReportOutput>] = LogReportReporter.formats

  /// `history`.
  public static let history: [OutputFormat<HistoryReport>] = HistoryReporter.formats

  /// `cache stats`.
  public static let cacheStats: [OutputFormat<[TierReport]>] = CacheStatsReporter.formats

  /// `indexes`.
  public static let indexes: [OutputFormat<IndexesOutcome>] = IndexHealthReporter.formats

  /// `warm`.
  public static let warm: [OutputFormat<WarmOutcome>] = WarmReporter.formats

  /// The `--help` text of a `--format` option: every name with its summary.
  public static func help<Input>(_ formats: [OutputFormat<Input>]) -> String {
    "Output format: " + formats.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ") + "."
  }
}
