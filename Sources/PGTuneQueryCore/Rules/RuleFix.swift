/// What a rule's fix may look at besides the statement it rewrites.
public struct FixContext: Sendable {
  /// The statement's parse tree as parsed (the fix edits a copy).
  public let root: Node
  /// The database's tables, columns and indexes; nil offline.
  public let catalog: CatalogFacts?

  public init(root: Node, catalog: CatalogFacts?) {
    self.root = root
    self.catalog = catalog
  }
}

/// A rewritten statement a rule proposes for its own finding, and what it promises.
public struct RuleFix: Sendable {
  /// How a database judges the rewrite.
  public enum Pricing: Sendable {
    /// EXPLAINed beside the original; shown with both costs.
    case explained
    /// A shape with placeholders (`$1` = a value from the previous page): cannot be priced.
    case unpriceable
  }

  public let statement: EditableNode
  /// When results can differ from the original's; nil: equivalent for all data (the rewrite
  /// differential tests run both on PostgreSQL with NULLs and duplicates to hold it to that).
  public let caveat: String?
  public let pricing: Pricing

  public init(_ statement: EditableNode, caveat: String? = nil, pricing: Pricing = .explained) {
    self.statement = statement
    self.caveat = caveat
    self.pricing = pricing
  }
}

/// A rule with a fix: the rewrite lives beside the rule, in `<Rule>Fix.swift`, and is checked
/// with the rule's own triggering examples (the fix must parse, deparse and silence the rule).
public protocol RewritingRule: QueryRule {
  /// The statement rewritten so that this rule's findings are gone, or nil when no rewrite is
  /// safe here.
  func fix(_ statement: EditableNode, _ context: FixContext) -> RuleFix?
  /// A fix that needs the catalog (the table's columns, its unique keys) is not tried without
  /// one: the tree is then not copied for it (a 10 MB `SELECT *` cost a copy of 3 M nodes).
  static var fixNeedsCatalog: Bool { get }
}

extension RewritingRule {
  public static var fixNeedsCatalog: Bool { false }
}
