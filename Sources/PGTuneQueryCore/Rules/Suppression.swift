/// Which rules the ignore comments silence for one statement: its own `ignore` comments and its
/// file's `ignore-file` comments. Every stage asks this before it makes a finding.
public struct Suppression: Sendable, Equatable {
  public private(set) var rules: Set<String> = []
  public private(set) var all = false

  public init() {}

  public init(statement: ParsedStatement, file: Set<String>) {
    rules = statement.ignoredRules.union(file)
    all = statement.ignoresAll
  }

  public func admits(_ rule: String) -> Bool { !all && (rules.isEmpty || !rules.contains(rule)) }

  /// Nothing is silenced (most statements).
  public var admitsAll: Bool { !all && rules.isEmpty }
}

extension Finding {
  /// Source order, then rule id: the order every reporter lists findings in.
  public static func inSourceOrder(_ a: Finding, _ b: Finding) -> Bool { (a.offset, a.rule) < (b.offset, b.rule) }
}
