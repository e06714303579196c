import Foundation

/// Runs the static rules over source files: split, parse (on all cores), walk, check, filter.
public struct Analyzer: Sendable {
  public let configuration: Configuration
  public let jobs: Int
  /// Also decide, per statement, whether and how it may be EXPLAINed (for live analysis).
  public let planningExplain: Bool
  /// Rewrites; nil turns them off.
  public let rewriting: Rewriter.Options?
  /// Parse files a piece at a time (one grammar pass for split and trees); off, every file is
  /// split first and its statements parsed one by one. Tests compare the two.
  package var parsesInPieces = true

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
    let rules = enabledRules()
    // Each file's line index is made by the worker that parses its first piece or statement, so
    // that the thread waiting for the workers does not make it afterwards.
    let texts = ResultSlots<SourceText>(count: sources.count)
    // Most files are parsed a piece at a time, the split and the statements' trees from one pass
    // of the grammar (see `StatementParser.parsePiece`). A file with `pgtune-query:` comments is
    // split first: its ignore-file comments must be read before any rule runs, so that
    // suppression is decided once, where each finding is made, for static and live findings alike.
    let pieces = sources.map { source in
      !parsesInPieces || FileSuppression.mayHaveDirectives(source) ? [] : StatementParser.pieces(source, workers: jobs)
    }
    let fromPieces = PieceParsing.parse(
      sources, pieces: pieces, workers: jobs, startingFile: { texts.set($0, SourceText(bytes: sources[$0].bytes)) }
    ) { file, statement -> ParsedOutcome? in
      outcome(of: statement, in: sources[file], fileRules: [], rules: rules)
    }
    var outcomes = Outcomes(pieces: fromPieces.map(\.outcomes))

    // What the pieces did not give is split first, then parsed a statement at a time: the files
    // with directives, and each other file from its first piece that does not parse (a syntax
    // error in it, see `PieceParsing`).
    var rest: [[Range<Int>]] = []
    var fileSuppressions: [FileSuppression] = []
    for (file, source) in sources.enumerated() {
      if pieces[file].isEmpty {
        let ranges = StatementParser.split(source, workers: jobs)
        rest.append(ranges)
        fileSuppressions.append(FileSuppression.read(source, ranges: ranges))
      } else {
        rest.append(fromPieces[file].splitFrom.map { StatementParser.split(source, from: $0) } ?? [])
        fileSuppressions.append(FileSuppression())
      }
    }
    let restTasks = rest.enumerated().flatMap { file, ranges in
      ranges.indices.map { (file, ranges[$0], isFirst: $0 == 0 && pieces[file].isEmpty) }
    }
    let suppressedByFile = fileSuppressions.map(\.rules)
    outcomes.rest = ParallelRunner.map(count: restTasks.count, workers: jobs) { index -> ParsedOutcome? in
      let (file, range, isFirst) = restTasks[index]
      if isFirst { texts.set(file, SourceText(bytes: sources[file].bytes)) }
      let statement = StatementParser.parse(sources[file], range: range)
      return outcome(of: statement, in: sources[file], fileRules: suppressedByFile[file], rules: rules)
    }
    outcomes.restCounts = rest.map(\.count)
    return fileAnalyses(&outcomes, sources: sources, texts: texts, fileSuppressions: fileSuppressions)
  }

  /// One statement's analysis on a worker: the rules, and what else the run asks for.
  private func outcome(of statement: ParsedStatement, in source: SourceFile, fileRules: Set<String>, rules: [EnabledRule])
    -> ParsedOutcome
  {
    let suppression = Suppression(statement: statement, file: fileRules)
    let findings = Self.check(statement, source: source, rules: rules, configuration: configuration, suppression: suppression)
    var analysis = StatementAnalysis(
      range: statement.range, start: statement.start, fingerprint: statement.fingerprint, error: statement.error,
      findings: findings, suppression: suppression)
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
    // DDL keeps its tree for the migration rules (few statements, small trees); the rest drop theirs.
    let isDDL = statement.root.map(Self.mayBreakAMigration) ?? false
    return (analysis, statement.root.map(MigrationStep.init), isDDL ? statement : nil)
  }

  /// The workers' outcomes, to be moved out file by file in file order: `take` leaves nil
  /// behind, because copying an analysis (a dozen references, retained and later released)
  /// 48,000 times cost the one thread that waits.
  private struct Outcomes {
    /// Per file, what its pieces gave, piece by piece.
    var pieces: [[[ParsedOutcome?]]]
    /// The statements parsed one at a time, in file order, and how many of them each file has.
    var rest: [ParsedOutcome?] = []
    var restCounts: [Int] = []
    private var restNext = 0

    init(pieces: [[[ParsedOutcome?]]]) { self.pieces = pieces }

    /// File `file`'s statements, moved out in order, with their migration steps and the DDL
    /// trees by statement index. (Handed to a closure, each outcome was borrowed, and taking it
    /// apart there copied every analysis on the thread that waits.)
    mutating func take(file: Int) -> (
      statements: [StatementAnalysis], steps: [MigrationStep?], trees: [(index: Int, statement: ParsedStatement)]
    ) {
      var filePieces: [[ParsedOutcome?]] = []
      swap(&filePieces, &pieces[file])
      let count = filePieces.reduce(0) { $0 + $1.count } + restCounts[file]
      var statements: [StatementAnalysis] = []
      var steps: [MigrationStep?] = []
      var trees: [(index: Int, statement: ParsedStatement)] = []
      statements.reserveCapacity(count)
      steps.reserveCapacity(count)
      func add(_ outcome: consuming ParsedOutcome?) {
        guard let (analysis, step, tree) = outcome else { preconditionFailure("statement analyzed twice") }
        if let tree { trees.append((statements.count, tree)) }
        statements.append(analysis)
        steps.append(step)
      }
      for piece in filePieces.indices {
        for index in filePieces[piece].indices { add(filePieces[piece][index].take()) }
      }
      for _ in 0..<restCounts[file] {
        add(rest[restNext].take())
        restNext += 1
      }
      return (statements, steps, trees)
    }
  }

  /// The workers' outcomes, in file order, as each file's analysis: the migration rules run over
  /// the file's DDL, and mistyped ids in its ignore-file comments are reported.
  private func fileAnalyses(
    _ outcomes: inout Outcomes, sources: [SourceFile], texts: ResultSlots<SourceText>, fileSuppressions: [FileSuppression]
  ) -> [FileAnalysis] {
    let migrationRules = enabledMigrationRules()
    var results: [FileAnalysis] = []
    results.reserveCapacity(sources.count)
    for (file, source) in sources.enumerated() {
      var (statements, steps, trees) = outcomes.take(file: file)
      if !migrationRules.isEmpty {
        Self.reviewMigrations(&statements, steps: steps, trees: trees, source: source, rules: migrationRules, jobs: jobs)
      }
      // A mistyped id in an ignore-file comment is reported on the statement after it.
      if let first = statements.indices.first {
        let unknown = fileSuppressions[file].unknownRuleFindings(configuration: configuration)
        if !unknown.isEmpty { statements[first].findings = (statements[first].findings + unknown).sorted(by: Finding.inSourceOrder) }
      }
      results.append(
        FileAnalysis(source: source, text: texts.value(file) ?? SourceText(bytes: source.bytes), statements: statements))
    }
    return results
  }

  /// What a worker hands back for one statement: its analysis, its step for the migration rules'
  /// view of the file (nil: no tree), and its parse when it is DDL the migration rules review.
  /// Optional in the array so that the waiting thread can move each one out; a tuple so that
  /// taking it apart moves its parts (reading a struct's fields copied the analysis).
  private typealias ParsedOutcome = (analysis: StatementAnalysis, step: MigrationStep?, tree: ParsedStatement?)

  /// DDL the migration rules look at; other statements are not parsed a second time.
  static func mayBreakAMigration(_ root: Node) -> Bool {
    switch root.kind {
    case .alterTableStmt, .indexStmt, .dropStmt, .renameStmt, .reindexStmt, .clusterStmt, .vacuumStmt, .createTrigStmt,
      .truncateStmt:
      true
    default: false
    }
  }

  /// The migration rules need what came before in the file (a BEGIN, a SET lock_timeout, the
  /// tables the file created): fold each statement's step in file order, then run the rules on
  /// the DDL statements only (their trees kept from the parse), in parallel; a query file has none.
  private static func reviewMigrations(
    _ statements: inout [StatementAnalysis], steps: [MigrationStep?], trees: [(index: Int, statement: ParsedStatement)],
    source: SourceFile, rules: [EnabledRule], jobs: Int
  ) {
    guard !trees.isEmpty else { return }
    let timeline = MigrationTimeline(steps: steps, wanted: Set(trees.map(\.index)))
    // Only the reviewed statements' suppressions go to the workers: holding on to `statements`
    // itself would make the updates below copy the whole array.
    let pending = trees.map { ($0.statement, timeline.state(before: $0.index), statements[$0.index].suppression) }
    let found = ParallelRunner.map(count: pending.count, workers: jobs) { position in
      let (statement, state, suppression) = pending[position]
      guard let root = statement.root else { return [Finding]() }
      // The migration rules read the statement node, not the walk: no second walk of the tree.
      let context = RuleContext(source: source, statement: statement, root: root, entries: [], options: [:], migration: state)
      return Self.findings(of: rules, in: context, suppression: suppression)
    }
    for (tree, findings) in zip(trees, found) where !findings.isEmpty {
      statements[tree.index].findings = (statements[tree.index].findings + findings).sorted(by: Finding.inSourceOrder)
    }
  }

  private func enabledRules() -> [EnabledRule] { EnabledRule.all(AllRules.queryRules, configuration: configuration) }

  private func enabledMigrationRules() -> [EnabledRule] { EnabledRule.all(AllRules.migrationRules, configuration: configuration) }

  private static func check(
    _ statement: ParsedStatement, source: SourceFile, rules: [EnabledRule], configuration: Configuration,
    suppression: Suppression
  ) -> [Finding] {
    var findings: [Finding] = []
    func report(_ description: RuleDescription, _ violation: RuleViolation) {
      guard suppression.admits(description.id) else { return }
      let severity = configuration.rules[description.id]?.severity ?? description.defaultSeverity
      findings.append(
        Finding(
          rule: description.id, severity: severity, message: violation.message, offset: violation.offset,
          help: violation.help, subject: violation.subject))
    }
    for directive in statement.suppressions {
      for violation in FileSuppression.unknownRules(in: directive) where configuration.isEnabled(DirectiveFindings.unknownRule.id) {
        report(DirectiveFindings.unknownRule, violation)
      }
    }
    if let error = statement.error {
      if configuration.isEnabled(AllRules.syntaxErrorID) {
        report(
          AllRules.syntaxError,
          RuleViolation(offset: error.byteOffset ?? statement.start, message: error.message))
      }
    } else if let root = statement.root {
      let context = RuleContext(
        source: source, statement: statement, root: root, entries: TreeWalker.walk(root), options: [:])
      findings += Self.findings(of: rules, in: context, suppression: suppression)
      findings += Self.embeddedFindings(in: statement, root: root, source: source, rules: rules, suppression: suppression)
    }
    // The tree is dropped when this returns: keeping 50,000 trees until the end would cost hundreds of MB.
    return findings.sorted(by: Finding.inSourceOrder)
  }

  /// The static rules on the SQL inside a function body or DO block, each finding at its place
  /// in the file. Bodies are not EXPLAINed (their parameters are unknown) nor rewritten.
  private static func embeddedFindings(
    in statement: ParsedStatement, root: Node, source: SourceFile, rules: [EnabledRule], suppression: Suppression
  ) -> [Finding] {
    guard root.kind == .createFunctionStmt || root.kind == .doStmt else { return [] }
    var findings: [Finding] = []
    for embedded in EmbeddedSQL.find(in: statement, root: root, source: source) {
      let inner = SourceFile(name: source.name, bytes: Array(embedded.text.utf8))
      for range in StatementParser.split(inner) {
        let parsed = StatementParser.parse(inner, range: range, fingerprinted: false)
        guard let innerRoot = parsed.root else { continue }
        let context = RuleContext(
          source: inner, statement: parsed, root: innerRoot, entries: TreeWalker.walk(innerRoot), options: [:])
        findings += Self.findings(of: rules, in: context, suppression: suppression).map {
          Finding(
            rule: $0.rule, severity: $0.severity, message: $0.message, offset: embedded.fileOffset($0.offset), help: $0.help,
            subject: $0.subject)
        }
      }
    }
    return findings
  }

  /// The rules' violations as findings: suppression and the configured severity applied.
  private static func findings(of rules: [EnabledRule], in context: RuleContext, suppression: Suppression) -> [Finding] {
    var findings: [Finding] = []
    for enabled in rules where suppression.admits(enabled.id) {
      let ruleContext = enabled.options.isEmpty ? context : context.with(options: enabled.options)
      for violation in enabled.rule.check(ruleContext) {
        findings.append(
          Finding(
            rule: enabled.id, severity: enabled.severity, message: violation.message, offset: violation.offset,
            help: violation.help, subject: violation.subject))
      }
    }
    return findings
  }
}

/// A rule the configuration turns on, with what the configuration says of it read once: looked
/// up per statement, the description (a struct of strings and examples) was copied out of the
/// existential and the settings hashed by id for every rule of every statement.
///
/// A class: the loop over rules per statement then retains one reference, not a struct's four.
final class EnabledRule: Sendable {
  let rule: any QueryRule
  let id: String
  let severity: Severity
  let options: [String: ConfigValue]

  init(rule: any QueryRule, id: String, severity: Severity, options: [String: ConfigValue]) {
    self.rule = rule
    self.id = id
    self.severity = severity
    self.options = options
  }

  static func all(_ types: [any QueryRule.Type], configuration: Configuration) -> [EnabledRule] {
    types.compactMap { type in
      let description = type.description
      guard configuration.isEnabled(description.id) else { return nil }
      let settings = configuration.rules[description.id]
      return EnabledRule(
        rule: type.init(), id: description.id, severity: settings?.severity ?? description.defaultSeverity,
        options: settings?.options ?? [:])
    }
  }
}

/// The number of cores to use by default.
public enum ProcessInfoCores {
  public static var count: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
