import PGTuneQuery

/// `--format github`: GitHub Actions workflow commands, which annotate the pull request:
/// `::error file=q.sql,line=3,col=5,title=[rule]::message`.
public enum GitHubReporter {
  public static func render(_ files: [FileAnalysis]) -> String {
    var output = ""
    for file in files {
      for statement in file.statements {
        for finding in statement.findings {
          let position = file.text.position(ofByte: finding.offset)
          let command: String
          switch finding.severity {
          case .error: command = "error"
          case .warning: command = "warning"
          case .info: command = "notice"
          }
          let message = finding.help.map { "\(finding.message)\n\($0)" } ?? finding.message
          output += "::\(command) file=\(property(file.source.name)),line=\(position.line),col=\(position.column),"
          output += "title=\(property("pgtune-query [\(finding.rule)]"))::\(data(message))\n"
        }
      }
    }
    return output
  }

  /// Workflow-command escaping: `%`, CR and LF always; `:` and `,` in properties too.
  static func data(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
      .replacingOccurrences(of: "\n", with: "%0A")
  }

  static func property(_ text: String) -> String {
    data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }
}

extension GitHubReporter {
  public static let format = OutputFormat<AnalysisReport>(name: "github", summary: "GitHub Actions workflow annotations") {
    render($0.files)
  }
}
