import Foundation

/// `analyze --plan FILE`: the plan rules over saved EXPLAIN JSON, with no database. Each plan in
/// the file becomes one entry of the results, reported at the file's first line.
public enum PlanFileAnalyzer {
  /// - Parameter key: for `check --plans`: the baseline key of the (single) plan in the file.
  public static func analyze(_ source: SourceFile, configuration: Configuration, key: String? = nil) throws(SourceError)
    -> FileAnalysis
  {
    let results: [ExplainResult]
    do {
      results = try ExplainResult.parseAll(String(decoding: source.bytes, as: UTF8.self))
    } catch {
      throw SourceError(file: source.name, message: error.message)
    }
    let statements = results.map { result in
      var statement = StatementAnalysis(
        range: 0..<0, start: 0, fingerprint: nil, error: nil,
        findings: PlanChecker.findings(for: result, catalog: nil, configuration: configuration, offset: 0))
      statement.plan = result
      statement.planAnalyzed = result.plan.isAnalyzed
      statement.name = key
      return statement
    }
    return FileAnalysis(source: source, statements: statements)
  }
}
