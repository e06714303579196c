/// The rule catalogue. Kept by hand so that the order (and so the output) is stable; a test
/// checks that every rule file is listed here.
public enum AllRules {
  package static let queryRules: [any QueryRule.Type] = [
    SyntaxErrorRule.self,
    SelectStarRule.self,
    UpdateWithoutWhereRule.self,
    DeleteWithoutWhereRule.self,
    CartesianJoinRule.self,
    NotInSubqueryRule.self,
    LeadingWildcardLikeRule.self,
    LargeOffsetRule.self,
    FunctionOnIndexableColumnRule.self,
    OrToInRule.self,
    CompareToNullRule.self,
    OrderByRandomRule.self,
    CountForExistenceRule.self,
    UnionWithoutAllRule.self,
  ]

  /// Rules on DDL that read what came before in the file (`RuleContext.migration`): run after
  /// the file's statements are folded in order (Analyzer).
  package static let migrationRules: [any QueryRule.Type] = [
    IndexWithoutConcurrentlyRule.self,
    ConcurrentlyInTransactionRule.self,
    ConstraintWithoutNotValidRule.self,
    SetNotNullRule.self,
    ColumnTypeChangeRule.self,
    AddColumnVolatileDefaultRule.self,
    AddColumnNotNullRule.self,
    AddUniqueConstraintRule.self,
    LockTimeoutRule.self,
    DropOrRenameRule.self,
    VacuumFullOrClusterRule.self,
  ]

  static let planRules: [any PlanRule.Type] = [
    SeqScanLargeTableRule.self,
    ExpensivePlanRule.self,
    DominantNodeRule.self,
    RowMisestimateRule.self,
    SortSpillRule.self,
    HashBatchesRule.self,
    NestedLoopLargeOuterRule.self,
    LossyBitmapHeapScanRule.self,
    HighFilterRemovalRule.self,
    IndexOnlyHeapFetchesRule.self,
    WorkersNotLaunchedRule.self,
    JITOverheadRule.self,
    CartesianProductPlanRule.self,
  ]

  /// The query rules whose findings a plan reviews.
  package static let planReviewedRules: [String: any PlanReviewedRule] = Dictionary(
    uniqueKeysWithValues: queryRules.compactMap { type in
      (type.init() as? any PlanReviewedRule).map { (type.description.id, $0) }
    })

  /// The query rules with a fix, in catalogue order.
  package static let rewritingRules: [any RewritingRule] = queryRules.compactMap { $0.init() as? any RewritingRule }

  /// Descriptions of the rules over the parse tree (the migration rules last), in catalogue order.
  public static let queryDescriptions: [RuleDescription] = (queryRules + migrationRules).map { $0.description }

  /// Descriptions of the rules over EXPLAIN plans; their examples name plan fixtures.
  public static let planDescriptions: [RuleDescription] = planRules.map { $0.description }

  /// Every rule's description: query rules, plan rules, then the findings of live analysis.
  public static let descriptions: [RuleDescription] =
    queryDescriptions + planDescriptions + LiveFindings.all + CheckFindings.all + DirectiveFindings.all

  /// Every rule id.
  public static let ids: Set<String> = Set(descriptions.map(\.id))

  /// The description for an id.
  public static func description(of id: String) -> RuleDescription? {
    descriptions.first { $0.id == id }
  }

  package static let syntaxErrorID = SyntaxErrorRule.description.id
  package static let syntaxError = SyntaxErrorRule.description
  package static let cartesianJoinID = CartesianJoinRule.description.id
}
