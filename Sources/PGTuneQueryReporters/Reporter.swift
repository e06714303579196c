import PGTuneQuery

/// Totals over an analysis, shared by every output format.
public struct AnalysisSummary: Sendable, Equatable {
  public let statements: Int
  /// Statements that do not parse.
  public let errors: Int
  public let findings: Int
  public let findingsBySeverity: [Severity: Int]

  /// Counted in place, by index: flattening the statements copied each analysis (a dozen
  /// references retained and released) for a handful of integers.
  public init(_ files: [FileAnalysis]) {
    var statements = 0, errors = 0, findings = 0
    var bySeverity: [Severity: Int] = [:]
    for file in files.indices {
      let count = files[file].statements.count
      statements += count
      for statement in 0..<count {
        if files[file].statements[statement].error != nil { errors += 1 }
        let found = files[file].statements[statement].findings.count
        findings += found
        for finding in 0..<found { bySeverity[files[file].statements[statement].findings[finding].severity, default: 0] += 1 }
      }
    }
    self.statements = statements
    self.errors = errors
    self.findings = findings
    findingsBySeverity = bySeverity
  }

  /// The highest severity found, if any.
  public var worstSeverity: Severity? {
    Severity.allCases.reversed().first { (findingsBySeverity[$0] ?? 0) > 0 }
  }
}
