import PGTuneQuery

/// One output format: its `--format` name, a one-line summary (for `--help`, the man page and the
/// README), and the pure function that renders a command's results.
public struct OutputFormat<Input>: Sendable {
  public let name: String
  public let summary: String
  /// The format only makes sense with a database (index suggestions need one).
  public let needsDatabase: Bool
  public let render: @Sendable (Input) -> String
  /// The same document in pieces, for formats whose documents run to megabytes: output writes
  /// them one after another instead of joining them first. Nil: `render`'s one string.
  public let renderSegments: (@Sendable (Input) -> [String])?

  public init(
    name: String, summary: String, needsDatabase: Bool = false, render: @escaping @Sendable (Input) -> String,
    renderSegments: (@Sendable (Input) -> [String])? = nil
  ) {
    self.name = name
    self.summary = summary
    self.needsDatabase = needsDatabase
    self.render = render
    self.renderSegments = renderSegments
  }

  /// The document as `renderSegments` gives it, else as one segment.
  public func segments(_ input: Input) -> [String] { renderSegments?(input) ?? [render(input)] }
}

/// Everything the statement reporters (`analyze`, `check`) may show.
public struct AnalysisReport: Sendable {
  public var files: [FileAnalysis]
  public var pool: PoolStatistics?
  public var cache: CacheTotals?
  /// Set by `check`: the comparison with the baseline.
  public var check: CheckSummary?
  /// One index set for the whole workload (a live run with hypopg).
  public var workload: WorkloadAdvice?
  /// Severity at which a finding fails the run (JUnit marks those as failures).
  public var failOn: Severity
  public var title: String
  public var style: TextReporter.Style
  /// Threads a reporter may render on (`analyze --jobs` without a database).
  public var threads: Int

  public init(
    files: [FileAnalysis], pool: PoolStatistics? = nil, cache: CacheTotals? = nil, check: CheckSummary? = nil,
    failOn: Severity = .error, title: String = "pgtune-query", style: TextReporter.Style = .plain,
    workload: WorkloadAdvice? = nil, threads: Int = ProcessInfoCores.count
  ) {
    self.threads = max(1, threads)
    self.workload = workload
    self.files = files
    self.pool = pool
    self.cache = cache
    self.check = check
    self.failOn = failOn
    self.title = title
    self.style = style
  }
}

/// What `report` renders: the aggregated log and how many queries each table lists.
public struct LogReportOutput: Sendable {
  public var report: LogReport
  public var top: Int

  public init(report: LogReport, top: Int) {
    self.report = report
    self.top = top
  }
}
