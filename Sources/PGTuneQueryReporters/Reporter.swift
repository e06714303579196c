import PGTuneQuery

/// Totals over an analysis, shared by every output format.
public struct AnalysisSummary: Sendable, Equatable {
  public let statements: Int
  /// Statements that do not parse.
  public let errors: Int
  public let findings: Int
  public let findingsBySeverity: [Severity: Int]

  public init(_ files: [FileAnalysis]) {
    let statements = files.flatMap(\.statements)
    self.statements = statements.count
    errors = statements.filter { $0.error != nil }.count
    let findings = statements.flatMap(\.findings)
    self.findings = findings.count
    findingsBySeverity = Dictionary(grouping: findings, by: \.severity).mapValues(\.count)
  }

  /// The highest severity found, if any.
  public var worstSeverity: Severity? {
    Severity.allCases.reversed().first { (findingsBySeverity[$0] ?? 0) > 0 }
  }
}
