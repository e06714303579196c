/// Builds rewrites for findings, each on the parse tree, and keeps only those that prove
/// themselves: the rewritten SQL deparses, parses again, and no longer triggers its rule.
/// (With a database, `LiveAnalyzer` also EXPLAINs them and drops any that cost more.)
public enum Rewriter {
  public struct Options: Sendable {
    /// Add `LIMIT n` to SELECTs without one (opt-in: `--suggest-limit`).
    public var suggestLimit: Int?
    public init(suggestLimit: Int? = nil) { self.suggestLimit = suggestLimit }
  }

  public static func rewrites(
    for root: Node, findings: Set<String>, catalog: CatalogFacts?, options: Options = Options()
  ) -> [Rewrite] {
    guard SQLText.deparsableKinds.contains(root.kind), mayRewrite(root, findings: findings, catalog: catalog, options: options),
      let original = try? root.editable()
    else { return [] }
    let context = FixContext(root: root, catalog: catalog)
    var candidates: [(rule: String, fix: RuleFix)] = []
    for rule in AllRules.rewritingRules where catalog != nil || !type(of: rule).fixNeedsCatalog {
      let id = type(of: rule).description.id
      if findings.contains(id), let fix = rule.fix(original, context) { candidates.append((id, fix)) }
    }
    if !findings.contains(AllRules.cartesianJoinID), let explicit = ImplicitJoinRewrite.commaJoinToExplicit(original) {
      candidates.append(("implicit-join", RuleFix(explicit)))
    }
    if let limit = options.suggestLimit, root.kind == .selectStmt, original[.limitCount] == nil,
      original.text(.op) == "SETOP_NONE"
    {
      var limited = original
      limited[.limitCount] = .node(.integerConstant(Int64(limit)))
      limited[.limitOption] = .string("LIMIT_OPTION_COUNT")
      candidates.append(
        ("suggest-limit", RuleFix(limited, caveat: "returns at most \(limit) rows: the caller must page through the rest")))
    }
    return candidates.compactMap { rule, fix in
      guard fix.statement != original, let sql = try? SQLText.deparse(fix.statement), proves(sql, fixes: rule) else {
        return nil
      }
      return Rewrite(rule: rule, sql: sql, caveat: fix.caveat, priceable: fix.pricing == .explained)
    }
  }

  /// The rewrite's own rule must be silent on it (rewrites that are not rule fixes — implicit
  /// joins, LIMIT — only need to parse).
  static func proves(_ sql: String, fixes rule: String) -> Bool {
    let source = SourceFile(name: "rewrite.sql", bytes: Array(sql.utf8))
    // One parse: the deparsed text is one statement when its tree holds one (no split first).
    let statement = StatementParser.parse(source, range: 0..<source.bytes.count, fingerprinted: false)
    guard let tree = statement.tree, tree.statements.count == 1, let root = statement.root else { return false }
    guard let type = AllRules.queryRules.first(where: { $0.description.id == rule }) else { return true }
    let context = RuleContext(
      source: source, statement: statement, root: root, entries: TreeWalker.walk(root), options: [:])
    return type.init().check(context).isEmpty
  }

  /// Rules whose findings have a rewrite.
  public static let rewritableRules: Set<String> = Set(AllRules.rewritingRules.map { type(of: $0).description.id })

  /// Rules whose findings have a rewrite without a catalog.
  static let rewritableOffline: Set<String> = Set(
    AllRules.rewritingRules.filter { !type(of: $0).fixNeedsCatalog }.map { type(of: $0).description.id })

  /// Whether a statement may have a rewrite at all (cheap: decides before copying the tree).
  static func mayRewrite(_ root: Node, findings: Set<String>, catalog: CatalogFacts?, options: Options) -> Bool {
    !findings.isDisjoint(with: catalog == nil ? rewritableOffline : rewritableRules) || options.suggestLimit != nil
      || (root.kind == .selectStmt && root.list(.fromClause).count >= 2)
  }
}
