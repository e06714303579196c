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
      sources, pieces: pieces, workers: jobs, startingFile: { texts.set($0, SourceText(bytes: sources[$0].bytes)) },
      newPiece: { Chunk() }
    ) { chunk, file, statement in
      add(statement, in: sources[file], fileRules: [], rules: rules, to: &chunk)
    }
    var chunks = fromPieces.map(\.pieces)

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
    // In runs of consecutive statements of a file, each run a chunk like a piece's.
    let runs = rest.enumerated().flatMap { file, ranges in
      stride(from: 0, to: ranges.count, by: Self.statementsPerRun).map {
        (file: file, positions: $0..<min($0 + Self.statementsPerRun, ranges.count))
      }
    }
    let suppressedByFile = fileSuppressions.map(\.rules)
    let restRanges = rest
    let restChunks = ParallelRunner.map(count: runs.count, workers: jobs) { run -> Chunk in
      let (file, positions) = runs[run]
      if positions.lowerBound == 0 && pieces[file].isEmpty { texts.set(file, SourceText(bytes: sources[file].bytes)) }
      var chunk = Chunk()
      for position in positions {
        let statement = StatementParser.parse(sources[file], range: restRanges[file][position])
        add(statement, in: sources[file], fileRules: suppressedByFile[file], rules: rules, to: &chunk)
      }
      return chunk
    }
    for (run, chunk) in zip(runs, restChunks) { chunks[run.file].append(chunk) }
    return fileAnalyses(&chunks, sources: sources, texts: texts, fileSuppressions: fileSuppressions)
  }

  /// Statements split the old way are handed to the workers this many at a time.
  private static let statementsPerRun = 32

  /// One statement's analysis on a worker (the rules, and what else the run asks for), added to
  /// the chunk of the file it belongs to.
  private func add(
    _ statement: ParsedStatement, in source: SourceFile, fileRules: Set<String>, rules: [EnabledRule],
    to chunk: inout Chunk
  ) {
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
    let index = chunk.analyses.count
    if let root = statement.root {
      let step = MigrationStep(root)
      if !step.isNoOp { chunk.steps.append((index, step)) }
      // DDL keeps its tree for the migration rules (few statements, small trees); the rest drop theirs.
      if Self.mayBreakAMigration(root) { chunk.trees.append((index, statement)) }
    }
    chunk.analyses.append(analysis)
  }

  /// What the workers give for a run of consecutive statements of one file (a piece, or a run of
  /// those split the old way): the analyses, to be moved into the file's array without copies
  /// (copying 48,000 analyses, a dozen references each, cost the one thread that waits), and
  /// for the migration rules the steps that do something and the DDL trees, by index in the chunk.
  private struct Chunk: Sendable {
    var analyses = MovableBuffer<StatementAnalysis>()
    var steps: [(index: Int, step: MigrationStep)] = []
    var trees: [(index: Int, statement: ParsedStatement)] = []
  }

  /// The workers' chunks, file by file in file order, as each file's analysis: the migration
  /// rules run over the file's DDL, and mistyped ids in its ignore-file comments are reported.
  private func fileAnalyses(
    _ chunks: inout [[Chunk]], sources: [SourceFile], texts: ResultSlots<SourceText>, fileSuppressions: [FileSuppression]
  ) -> [FileAnalysis] {
    let migrationRules = enabledMigrationRules()
    var results: [FileAnalysis] = []
    results.reserveCapacity(sources.count)
    for (file, source) in sources.enumerated() {
      var fileChunks: [Chunk] = []
      swap(&fileChunks, &chunks[file])
      var offsets: [Int] = []
      offsets.reserveCapacity(fileChunks.count)
      var total = 0
      for chunk in fileChunks {
        offsets.append(total)
        total += chunk.analyses.count
      }
      var statements = [StatementAnalysis](moving: fileChunks.map(\.analyses))
      if !migrationRules.isEmpty {
        Self.reviewMigrations(&statements, chunks: fileChunks, offsets: offsets, source: source, rules: migrationRules, jobs: jobs)
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
  /// tables the file created): fold the steps in file order, then run the rules on the DDL
  /// statements only (their trees kept from the parse), in parallel; a query file has none.
  private static func reviewMigrations(
    _ statements: inout [StatementAnalysis], chunks: [Chunk], offsets: [Int], source: SourceFile, rules: [EnabledRule],
    jobs: Int
  ) {
    let reviewed = chunks.indices.flatMap { chunk in chunks[chunk].trees.indices.map { (chunk: chunk, tree: $0) } }
    guard !reviewed.isEmpty else { return }
    let indices = reviewed.map { offsets[$0.chunk] + chunks[$0.chunk].trees[$0.tree].index }
    let steps = chunks.indices.flatMap { chunk in chunks[chunk].steps.map { (offsets[chunk] + $0.index, $0.step) } }
    let timeline = MigrationTimeline(steps: steps, wanted: indices)
    // Only the reviewed statements' suppressions go to the workers: holding on to `statements`
    // itself would make the updates below copy the whole array.
    let suppressions = indices.map { statements[$0].suppression }
    let found = ParallelRunner.map(count: reviewed.count, workers: jobs) { position in
      let statement = chunks[reviewed[position].chunk].trees[reviewed[position].tree].statement
      guard let root = statement.root else { return [Finding]() }
      // The migration rules read the statement node, not the walk: no second walk of the tree.
      let context = RuleContext(
        source: source, statement: statement, root: root, entries: [], options: [:],
        migration: timeline.state(before: indices[position]))
      return Self.findings(of: rules, in: context, suppression: suppressions[position])
    }
    for (index, findings) in zip(indices, found) where !findings.isEmpty {
      statements[index].findings = (statements[index].findings + findings).sorted(by: Finding.inSourceOrder)
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
    // Most statements silence nothing: then no rule id is looked up. Options are read only for
    // the rules that have some (each test of the dictionary retained and released it).
    let admitsAll = suppression.admitsAll
    for enabled in rules where admitsAll || suppression.admits(enabled.id) {
      let violations = enabled.hasOptions ? enabled.rule.check(context.with(options: enabled.options)) : enabled.rule.check(context)
      guard !violations.isEmpty else { continue }
      for violation in violations {
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
  let hasOptions: Bool

  init(rule: any QueryRule, id: String, severity: Severity, options: [String: ConfigValue]) {
    self.rule = rule
    self.id = id
    self.severity = severity
    self.options = options
    hasOptions = !options.isEmpty
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
