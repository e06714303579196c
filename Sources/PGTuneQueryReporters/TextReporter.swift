import PGTuneQuery

/// `--format text`: one line per finding, `file:line:col: severity: [rule-id] message`, like a
/// compiler, so editors and terminals can jump to it. With `showSource` (a TTY), the source line
/// and a caret follow; with `color`, severities are coloured.
public enum TextReporter {
  public struct Style: Sendable {
    public var color: Bool
    public var showSource: Bool
    /// Findings, index suggestions and rewrites only: no plan lines, no summary (`--quiet`).
    public var quiet: Bool
    public init(color: Bool, showSource: Bool, quiet: Bool = false) {
      self.color = color
      self.showSource = showSource
      self.quiet = quiet
    }
    public static let plain = Style(color: false, showSource: false)
  }

  public static func render(_ files: [FileAnalysis], style: Style = .plain) -> String {
    var output = ""
    for file in files {
      for statement in file.statements {
        if let plan = statement.plan, !style.quiet { output += renderPlan(plan, of: statement, in: file, style: style) }
        for suggestion in statement.indexSuggestions {
          let position = file.text.position(ofByte: statement.start)
          output += "\(file.source.name):\(position): \(paint("index", "32", style)): \(suggestion.ddl)\n"
        }
        for finding in statement.findings {
          output += render(finding, in: file, style: style)
        }
        for rewrite in statement.rewrites {
          output += renderRewrite(rewrite, of: statement, in: file, style: style)
        }
      }
    }
    if !style.quiet { output += summaryLine(AnalysisSummary(files), style: style) + "\n" }
    return output
  }

  static func render(_ finding: Finding, in file: FileAnalysis, style: Style) -> String {
    let position = file.text.position(ofByte: finding.offset)
    let severity = paint(finding.severity.rawValue, color(for: finding.severity), style)
    var text = "\(file.source.name):\(position): \(severity): [\(finding.rule)] \(finding.message)\n"
    if style.showSource {
      let line = file.text.line(position.line).replacingOccurrences(of: "\t", with: " ")
      let gutter = String(repeating: " ", count: String(position.line).count)
      text += " \(position.line) | \(line)\n"
      text += " \(gutter) | \(String(repeating: " ", count: max(0, position.column - 1)))\(paint("^", "32", style))\n"
    }
    if let help = finding.help {
      text += "  \(paint("help", "36", style)): \(help)\n"
    }
    return text
  }

  /// `file:line:col: plan: cost 2266.63, ~963 rows, no index; top: Seq Scan on public.t (96 %)`
  static func renderPlan(_ plan: ExplainResult, of statement: StatementAnalysis, in file: FileAnalysis, style: Style)
    -> String
  {
    let summary = PlanSummary(plan)
    let position = file.text.position(ofByte: statement.start)
    var parts = [String(format: "cost %.2f", summary.totalCost), "~\(Int(summary.planRows)) row\(Int(summary.planRows) == 1 ? "" : "s")"]
    if let time = summary.actualTotalTime { parts.append(String(format: "%.1f ms", time)) }
    parts.append(summary.indexesUsed.isEmpty ? "no index" : "indexes: " + summary.indexesUsed.joined(separator: ", "))
    let top = PlanWalker.entries(of: plan.plan).sorted { $0.exclusiveCost > $1.exclusiveCost }.prefix(3)
      .filter { $0.costShare >= 0.05 }
      .map { "\($0.node.label) (\(Int(($0.costShare * 100).rounded())) %)" }
    let topText = top.isEmpty ? "" : "; top: " + top.joined(separator: ", ")
    return "\(file.source.name):\(position): \(paint("plan", "35", style)): \(parts.joined(separator: ", "))\(topText)\n"
  }

  /// A rewrite as a small unified diff of the statement (original as written, rewrite as
  /// deparsed), with its cost change and caveat.
  static func renderRewrite(_ rewrite: Rewrite, of statement: StatementAnalysis, in file: FileAnalysis, style: Style)
    -> String
  {
    let position = file.text.position(ofByte: statement.start)
    var header = "\(file.source.name):\(position): \(paint("rewrite", "36", style)) [\(rewrite.rule)]"
    if let before = rewrite.costBefore, let after = rewrite.costAfter {
      header += String(format: " cost %.2f → %.2f", before, after) + costVerdict(before: before, after: after)
    }
    var text = header + "\n"
    for line in file.sql(of: statement).split(separator: "\n", omittingEmptySubsequences: false) {
      text += paint("  - \(line)", "31", style) + "\n"
    }
    text += paint("  + \(rewrite.sql)", "32", style) + "\n"
    if let caveat = rewrite.caveat { text += "  \(paint("caveat", "33", style)): \(caveat)\n" }
    return text
  }

  /// A rewrite is not shown as a gain unless the estimate falls; a costlier one is kept (it is
  /// equivalent, and estimates can be wrong: EXPLAIN ANALYZE decides) but says so.
  public static func costVerdict(before: Double, after: Double) -> String {
    if after < before * 0.99 { return String(format: " (-%.0f %%)", (1 - after / max(before, 0.01)) * 100) }
    if after <= before * 1.01 { return " (no estimated gain)" }
    return String(format: " (estimated +%.0f %%: check with EXPLAIN ANALYZE)", (after / max(before, 0.01) - 1) * 100)
  }

  static func summaryLine(_ summary: AnalysisSummary, style: Style) -> String {
    let counts = Severity.allCases.reversed().compactMap { severity -> String? in
      guard let count = summary.findingsBySeverity[severity], count > 0 else { return nil }
      return "\(count) \(severity.rawValue)\(count == 1 || severity == .info ? "" : "s")"
    }
    let statements = "\(summary.statements) statement\(summary.statements == 1 ? "" : "s")"
    let findings = "\(summary.findings) finding\(summary.findings == 1 ? "" : "s")"
    let detail = counts.isEmpty ? "" : " (\(counts.joined(separator: ", ")))"
    return "\(statements) analyzed, \(findings)\(detail)"
  }

  private static func color(for severity: Severity) -> String {
    switch severity {
    case .error: "1;31"
    case .warning: "1;33"
    case .info: "1;34"
    }
  }

  private static func paint(_ text: String, _ code: String, _ style: Style) -> String {
    style.color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}

extension TextReporter {
  public static let format = OutputFormat<AnalysisReport>(
    name: "text", summary: "one line per finding, file:line:col: severity: [rule] message"
  ) { report in
    var text = render(report.files, style: report.style)
    if let workload = report.workload, !report.style.quiet, !workload.indexes.isEmpty { text += workloadLines(workload) }
    if let check = report.check, !report.style.quiet { text += checkLines(check) }
    return text
  }

  /// `workload: 2 indexes, 4.3 MiB, summed cost 31240 -> 1210 (-96 %)`, then one line per index.
  static func workloadLines(_ workload: WorkloadAdvice) -> String {
    let count = workload.indexes.count
    let saved = workload.costBefore > 0 ? (workload.costBefore - workload.costAfter) / workload.costBefore * 100 : 0
    var text = "workload: \(count) index\(count == 1 ? "" : "es"), \(ByteCount.format(Int64(workload.sizeBytes))), "
    text += "summed cost \(Int(workload.costBefore.rounded())) -> \(Int(workload.costAfter.rounded())) (-\(Int(saved.rounded())) %) "
    text += "for \(workload.statements) statements (--format sql writes the migration)\n"
    for index in workload.indexes {
      text += "  \(index.suggestion.name) (\(ByteCount.format(Int64(index.sizeBytes)))): serves \(index.statements.joined(separator: ", "))"
      if index.suggestion.lowConfidence != nil { text += "; low confidence" }
      text += "\n"
    }
    return text
  }

  /// The baseline entries that lost their statement, and the comparison's totals.
  static func checkLines(_ summary: CheckSummary) -> String {
    var text = ""
    for entry in summary.gone {
      text += "\(entry.file): note: baseline entry \(entry.name ?? entry.fingerprint ?? "?") has no statement any more (removed or renamed)\n"
    }
    text += "check: \(summary.checked) plans compared, \(summary.regressions) regressions, \(summary.improvements) improvements, \(summary.new) new, \(summary.gone.count) gone\n"
    return text
  }
}
