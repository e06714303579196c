/// The rule catalogue. Kept by hand so that the order (and so the output) is stable; a test
/// checks that every rule file is listed here.
public enum AllRules {
  static let queryRules: [any QueryRule.Type] = [
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

  /// Every rule's description, in catalogue order.
  public static let descriptions: [RuleDescription] = queryRules.map { $0.description }

  /// Every rule id.
  public static let ids: Set<String> = Set(descriptions.map(\.id))

  /// The description for an id.
  public static func description(of id: String) -> RuleDescription? {
    descriptions.first { $0.id == id }
  }

  static let syntaxErrorID = SyntaxErrorRule.description.id
}
