import Foundation
import PGTuneQuery

extension LogReportReporter {
  // MARK: Markdown

  public static func markdown(_ report: LogReport, top: Int) -> String {
    var text = "## PostgreSQL log report\n\n"
    text += "\(report.totalQueries) queries (\(report.queries.count) normalized), \(report.totalErrors) errors, total \(ms(report.totalMilliseconds)).\n\n"
    text += "| calls | total | mean | p95 | max | query |\n| ---: | ---: | ---: | ---: | ---: | --- |\n"
    for query in sorted(report, by: \.totalMilliseconds, top: top) {
      text += "| \(query.calls) | \(ms(query.totalMilliseconds)) | \(ms(query.meanMilliseconds)) | \(ms(query.percentile(0.95))) | \(ms(query.maxMilliseconds)) | `\(cell(query.query))` |\n"
    }
    let planned = withPlans(report, top: top)
    if !planned.isEmpty {
      text += "\n### Plans from the log (auto_explain)\n\n| plans | time | seq scans | findings | query |\n| ---: | ---: | --- | --- | --- |\n"
      for query in planned {
        let findings = query.plans.findings.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value.count)" }.joined(separator: ", ")
        text += "| \(query.plans.count) | \(duration(query.plans.totalMilliseconds)) | \(seqScanSummary(query.plans).joined(separator: "; ")) | \(findings) | `\(cell(query.query))` |\n"
      }
    }
    if report.totalErrors > 0 {
      text += "\n### Errors\n\n| count | SQLSTATE | message |\n| ---: | --- | --- |\n"
      for error in report.errors.values.sorted(by: { ($0.count, $1.key) > ($1.count, $0.key) }).prefix(top) {
        text += "| \(error.count) | \(errorCode(error.key)) | \(cell(error.message)) |\n"
      }
    }
    text += ServerActivityReporter.markdown(report, top: top)
    return text
  }

  static func cell(_ text: String) -> String {
    oneLine(text, width: 120).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
  }

  static func format(_ value: Double) -> String { String(format: "%.1f", value) }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
