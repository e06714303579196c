/// The result of analyzing one statement.
public struct StatementAnalysis: Sendable {
  /// Bytes of the statement in its file, leading comments included.
  public let range: Range<Int>
  /// Byte offset of the first token: where the statement is reported.
  public let start: Int
  public let fingerprint: String?
  /// The syntax error, when the statement does not parse.
  public let error: PgQueryError?
  /// Findings after configuration and ignore comments, ordered by position.
  public internal(set) var findings: [Finding]
  /// How the statement may be EXPLAINed (computed when a database is given).
  @OutOfLine public internal(set) var explainPlan: ExplainPlan? = nil
  /// The plan, when the statement was EXPLAINed (or read from a plan file).
  @OutOfLine public internal(set) var plan: ExplainResult? = nil
  /// Whether `plan` comes from EXPLAIN ANALYZE.
  public internal(set) var planAnalyzed = false
  /// Indexes worth creating for this statement (live analysis).
  public internal(set) var indexSuggestions: [IndexSuggestion] = []
  /// Rewritten SQL that fixes findings of this statement.
  public internal(set) var rewrites: [Rewrite] = []
  /// The tables the statement names (computed when a database is given).
  public internal(set) var tables: TableNames?
  /// Whether the live analysis came from the store (nil: no store, or not sent to the server).
  public internal(set) var cache: CacheStatus?
  /// `-- name: …` before the statement: its key in a baseline.
  public internal(set) var name: String?
  /// `-- pgtune-query: max-cost-increase N%` before the statement, as a fraction.
  public internal(set) var maxCostIncrease: Double?
  /// What the statement's and the file's ignore comments silence: decided once, at parse time,
  /// and asked by every stage that makes a finding.
  let suppression: Suppression

  init(
    range: Range<Int>, start: Int, fingerprint: String?, error: PgQueryError?, findings: [Finding],
    suppression: Suppression = Suppression()
  ) {
    self.range = range
    self.start = start
    self.fingerprint = fingerprint
    self.error = error
    self.findings = findings
    self.suppression = suppression
  }

  /// Adds findings of a later stage (plan, advice) in source order, unless an ignore comment
  /// silences their rule.
  mutating func add(_ new: [Finding]) {
    let admitted = new.filter { suppression.admits($0.rule) }
    guard !admitted.isEmpty else { return }
    findings = (findings + admitted).sorted(by: Finding.inSourceOrder)
  }
}

/// The result of analyzing one input.
public struct FileAnalysis: Sendable {
  public let source: SourceFile
  public let text: SourceText
  public internal(set) var statements: [StatementAnalysis]

  public init(source: SourceFile, statements: [StatementAnalysis]) {
    self.init(source: source, text: SourceText(bytes: source.bytes), statements: statements)
  }

  /// With the line index already made (by a worker thread, while the others parse).
  init(source: SourceFile, text: SourceText, statements: [StatementAnalysis]) {
    self.source = source
    self.text = text
    self.statements = statements
  }

  /// The text of a statement from its first token to its end.
  /// Keeps only the statements at these positions (a retry of some of them).
  public mutating func keepStatements(_ indices: [Int]) {
    statements = indices.map { statements[$0] }
  }

  public mutating func replaceStatement(_ index: Int, with statement: StatementAnalysis) {
    statements[index] = statement
  }

  public func sql(of statement: StatementAnalysis) -> String {
    String(decoding: sqlBytes(of: statement), as: UTF8.self)
  }

  /// The same as UTF-8 bytes of the source (no copy).
  public func sqlBytes(of statement: StatementAnalysis) -> ArraySlice<UInt8> {
    source.bytes[statement.start..<max(statement.start, statement.range.upperBound)]
  }
}
