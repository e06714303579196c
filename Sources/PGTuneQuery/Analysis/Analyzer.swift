/// Runs the static rules over source files: split, parse (on all cores), walk, check, filter.
public struct Analyzer: Sendable {
  public let configuration: Configuration
  public let jobs: Int
  /// Also decide, per statement, whether and how it may be EXPLAINed (for live analysis).
  public let planningExplain: Bool
  /// Rewrites; nil turns them off.
  public let rewriting: Rewriter.Options?

  public init(
    configuration: Configuration = Configuration(), jobs: Int = ProcessInfoCores.count, planningExplain: Bool = false,
    rewriting: Rewriter.Options? = Rewriter.Options()
  ) {
    self.configuration = configuration
    self.jobs = max(1, jobs)
    self.planningExplain = planningExplain
    self.rewriting = rewriting
  }

  public func analyze(_ sources: [SourceFile]) -> [FileAnalysis] {
    // Splitting is sequential per file; parsing and rules run in parallel over all statements.
    let splits = sources.map { StatementParser.split($0, workers: jobs) }
    let tasks = splits.enumerated().flatMap { file, ranges in ranges.map { (file, $0) } }
    let rules = enabledRules()
    let configuration = configuration
    let planningExplain = planningExplain
    let rewriting = rewriting
    let parsed = ParallelRunner.map(count: tasks.count, workers: jobs) { index in
      let (file, range) = tasks[index]
      let statement = StatementParser.parse(sources[file], range: range)
      var analysis = Self.check(statement, source: sources[file], rules: rules, configuration: configuration)
      if planningExplain {
        analysis.explainPlan = ExplainPlan(statement)
        // Read while the tree is at hand: the analysis cache keys on these tables.
        analysis.tables = statement.root.map(TableNames.init(in:))
      }
      if let rewriting, let root = statement.root {
        analysis.rewrites = Rewriter.rewrites(
          for: root, findings: Set(analysis.findings.map(\.rule)), catalog: nil, options: rewriting)
      }
      analysis.name = statement.directives.name
      analysis.maxCostIncrease = statement.directives.maxCostIncrease
      analysis.ignoredRules = statement.ignoredRules
      analysis.ignoresAll = statement.ignoresAll
      return analysis
    }
    var results: [FileAnalysis] = []
    var cursor = 0
    for (file, source) in sources.enumerated() {
      let count = splits[file].count
      let checked = Array(parsed[cursor..<cursor + count])
      cursor += count
      let ignoredForFile = fileDirectives(source, checked)
      let statements =
        ignoredForFile.isEmpty
        ? checked
        : checked.map { item in
          var filtered = item
          filtered.findings = item.findings.filter { !ignoredForFile.contains($0.rule) }
          filtered.ignoredRules.formUnion(ignoredForFile)
          return filtered
        }
      results.append(FileAnalysis(source: source, statements: statements))
    }
    return results
  }

  private func enabledRules() -> [any QueryRule] {
    AllRules.queryRules.filter { configuration.isEnabled($0.description.id) }.map { $0.init() }
  }

  private static func check(
    _ statement: ParsedStatement, source: SourceFile, rules: [any QueryRule], configuration: Configuration
  ) -> StatementAnalysis {
    var findings: [Finding] = []
    func report(_ description: RuleDescription, _ violation: RuleViolation) {
      guard !statement.ignoresAll, !statement.ignoredRules.contains(description.id) else { return }
      let severity = configuration.rules[description.id]?.severity ?? description.defaultSeverity
      findings.append(
        Finding(
          rule: description.id, severity: severity, message: violation.message, offset: violation.offset,
          help: violation.help))
    }
    if let error = statement.error {
      if configuration.isEnabled(AllRules.syntaxErrorID) {
        report(
          SyntaxErrorRule.description,
          RuleViolation(offset: error.byteOffset ?? statement.start, message: error.message))
      }
    } else if let root = statement.root {
      let context = RuleContext(
        source: source, statement: statement, root: root, entries: TreeWalker.walk(root), options: [:])
      for rule in rules {
        let description = type(of: rule).description
        let options = configuration.rules[description.id]?.options ?? [:]
        let ruleContext = options.isEmpty ? context : context.with(options: options)
        for violation in rule.check(ruleContext) { report(description, violation) }
      }
    }
    findings.sort { ($0.offset, $0.rule) < ($1.offset, $1.rule) }
    // The tree is dropped here: keeping 50,000 trees until the end would cost hundreds of MB.
    return StatementAnalysis(
      range: statement.range, start: statement.start, fingerprint: statement.fingerprint,
      error: statement.error, findings: findings)
  }

  /// Rules silenced for the whole file by `-- pgtune-query: ignore-file …` in any comment
  /// between statements (or after the last one).
  private func fileDirectives(_ source: SourceFile, _ checked: [StatementAnalysis]) -> Set<String> {
    var gaps = checked.map { $0.range.lowerBound..<$0.start }
    gaps.append((checked.last?.range.upperBound ?? 0)..<source.bytes.count)
    return source.withNulTerminated { text in
      var ignored = Set<String>()
      for gap in gaps where !gap.isEmpty {
        let comments = SQLTrivia.comments(text, in: gap)
        for directive in SuppressionDirective.parse(comments: comments, in: text) where directive.kind == .file {
          ignored.formUnion(directive.rules.isEmpty ? AllRules.ids : Set(directive.rules))
        }
      }
      return ignored
    }
  }
}

extension RuleContext {
  func with(options: [String: ConfigValue]) -> RuleContext {
    RuleContext(source: source, statement: statement, root: root, entries: entries, options: options)
  }
}

import Foundation

/// The number of cores to use by default.
public enum ProcessInfoCores {
  public static var count: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
