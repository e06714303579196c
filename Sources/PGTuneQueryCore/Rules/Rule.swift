/// How bad a finding is. Ordered: `info` < `warning` < `error`.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
  case info, warning, error

  private var rank: Int {
    switch self {
    case .info: 0
    case .warning: 1
    case .error: 2
    }
  }

  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What a rule is, why it matters, and examples that double as its tests: each triggering example
/// marks with `↓` every place the rule must report; non-triggering examples must stay silent.
public struct RuleDescription: Sendable {
  /// Kebab-case id used in flags, configuration, ignore comments and output.
  public let id: String
  public let summary: String
  public let rationale: String
  public let defaultSeverity: Severity
  public let triggering: [String]
  public let nonTriggering: [String]
  /// The settings it reads under `[rules.<id>]`, besides `enabled` and `severity`.
  public let options: [RuleOption]
  /// Set for performance rules whose harm depends on the data (`SELECT *` over a 20-row table
  /// costs nothing): without a plan they report at `defaultSeverity` (info); with one, the
  /// plan confirms them at this severity or dismisses them (see `PlanReviewedRule`). Nil for
  /// correctness rules and for those whose harm holds for any data (a large OFFSET).
  public let confirmedSeverity: Severity?

  public init(
    id: String, summary: String, rationale: String, defaultSeverity: Severity,
    triggering: [String], nonTriggering: [String], options: [RuleOption] = [], confirmedSeverity: Severity? = nil
  ) {
    self.options = options
    self.confirmedSeverity = confirmedSeverity
    self.id = id
    self.summary = summary
    self.rationale = rationale
    self.defaultSeverity = defaultSeverity
    self.triggering = triggering
    self.nonTriggering = nonTriggering
  }
}

/// A place a rule objects to, before severity and suppression are applied.
public struct RuleViolation: Sendable, Equatable {
  /// UTF-8 byte offset in the source file.
  public let offset: Int
  public let message: String
  public let help: String?
  /// What the plan review looks for (a column name), for rules whose plan confirms them.
  public let subject: String?

  public init(offset: Int, message: String, help: String? = nil, subject: String? = nil) {
    self.offset = offset
    self.message = message
    self.help = help
    self.subject = subject
  }
}

/// Everything a static rule may look at for one statement. A class, so that handing it to each
/// rule costs one reference, not a copy of every field.
public final class RuleContext: Sendable {
  public let source: SourceFile
  public let statement: ParsedStatement
  /// The statement node (`SelectStmt`, `UpdateStmt`…).
  public let root: Node
  /// Every node of the statement in source order, with its clause and access.
  public let entries: [WalkEntry]
  /// Options from the configuration for this rule (`[rules.large-offset] threshold = 5000`).
  public let options: [String: ConfigValue]
  /// What the statements before this one in the file did (transactions, lock_timeout, tables
  /// created), for the migration rules.
  public let migration: MigrationState

  /// `entries` grouped by kind, for `entries(ofKind:)`.
  private let byKind: EntriesByKind

  public convenience init(
    source: SourceFile, statement: ParsedStatement, root: Node, entries: [WalkEntry],
    options: [String: ConfigValue], migration: MigrationState = MigrationState()
  ) {
    self.init(
      source: source, statement: statement, root: root, entries: entries, byKind: EntriesByKind(entries),
      options: options, migration: migration)
  }

  private init(
    source: SourceFile, statement: ParsedStatement, root: Node, entries: [WalkEntry], byKind: EntriesByKind,
    options: [String: ConfigValue], migration: MigrationState
  ) {
    self.source = source
    self.statement = statement
    self.root = root
    self.entries = entries
    self.byKind = byKind
    self.options = options
    self.migration = migration
  }

  /// The same statement with one rule's options (the walk and its grouping are shared).
  public func with(options: [String: ConfigValue]) -> RuleContext {
    RuleContext(
      source: source, statement: statement, root: root, entries: entries, byKind: byKind, options: options,
      migration: migration)
  }

  /// The walk's entries of one kind of node, in source order: what a rule that looks at
  /// `SortBy` or `A_Expr` nodes only should iterate.
  public func entries(ofKind kind: NodeKind) -> EntriesOfKind {
    EntriesOfKind(entries: entries, positions: byKind.positions(of: kind))
  }

  /// A declared option's value: the configuration's, or its default.
  public func integer(_ option: RuleOption) -> Int { Int(option.value(in: options)) }
}

/// A rule that inspects the parse tree of one statement.
public protocol QueryRule: Sendable {
  static var description: RuleDescription { get }
  init()
  func check(_ context: RuleContext) -> [RuleViolation]
}

/// Why a finding of live analysis was made, when that matters to the code that reads it (a
/// retry decides on the cause, not on the message's wording).
public enum FindingCause: String, Sendable, Equatable {
  /// The connection broke (or none could be had): worth retrying.
  case connectionFailed
  /// statement_timeout or lock_timeout, or the client-side deadline: worth retrying.
  case timeout
  /// The server rejected the statement: retrying gives the same answer.
  case explainFailed
}

/// A problem found in a statement, ready for reporting.
public struct Finding: Sendable, Equatable {
  public let rule: String
  public let severity: Severity
  public let message: String
  /// UTF-8 byte offset in the source file (turned into line:column by reporters).
  public let offset: Int
  public let help: String?
  /// Set on live findings whose cause other code acts on.
  public let cause: FindingCause?
  /// What the plan review looks for (see `RuleViolation.subject`).
  public let subject: String?
  /// For rules a plan reviews: true when the plan confirmed the finding, false when it showed
  /// the harm cannot occur here, nil without a plan (or for rules no plan reviews).
  public let confirmedByPlan: Bool?

  public init(
    rule: String, severity: Severity, message: String, offset: Int, help: String?, cause: FindingCause? = nil,
    subject: String? = nil, confirmedByPlan: Bool? = nil
  ) {
    self.rule = rule
    self.severity = severity
    self.message = message
    self.offset = offset
    self.help = help
    self.cause = cause
    self.subject = subject
    self.confirmedByPlan = confirmedByPlan
  }
}
