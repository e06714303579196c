import PGTuneQuery

/// `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment.
public enum MarkdownReporter {
  public static func render(_ files: [FileAnalysis], title: String = "pgtune-query", gone: [Baseline.Entry] = []) -> String {
    let summary = AnalysisSummary(files)
    var text = "## \(title)\n\n"
    let counts = Severity.allCases.reversed().map { "\(summary.findingsBySeverity[$0] ?? 0) \($0.rawValue)" }
    text += "\(summary.statements) statements, \(summary.findings) findings (\(counts.joined(separator: ", "))).\n\n"
    let rows = files.flatMap { file in
      file.statements.flatMap { statement in
        statement.findings.map { finding -> String in
          let position = file.text.position(ofByte: finding.offset)
          let icon = finding.severity == .error ? "❌" : finding.severity == .warning ? "⚠️" : "ℹ️"
          return "| \(icon) \(finding.severity.rawValue) | `\(cell("\(file.source.name):\(position)"))` | `\(finding.rule)` | \(cell(finding.message)) |"
        }
      }
    }
    if !rows.isEmpty {
      text += "| | where | rule | finding |\n| --- | --- | --- | --- |\n" + rows.joined(separator: "\n") + "\n"
    }
    if !gone.isEmpty {
      text += "\n**Baseline entries without a statement** (removed or renamed; not an error):\n\n"
      text += gone.map { "- `\(cell($0.name ?? $0.fingerprint ?? "?"))` from `\(cell($0.file))`" }.joined(separator: "\n") + "\n"
    }
    return text
  }

  static func cell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }
}

extension MarkdownReporter {
  public static let format = OutputFormat<AnalysisReport>(name: "markdown", summary: "a Markdown summary, e.g. for $GITHUB_STEP_SUMMARY") {
    render($0.files, title: $0.title, gone: $0.check?.gone ?? [])
  }
}
