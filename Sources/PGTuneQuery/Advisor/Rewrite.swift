/// A rewritten statement that fixes a finding, built on the parse tree and deparsed by
/// libpg_query; `caveat` says when its meaning can differ from the original.
public struct Rewrite: Sendable, Equatable {
  public let rule: String
  public let sql: String
  public let caveat: String?
  /// False for shapes with placeholders (keyset pagination's `$1`): they are shown unpriced.
  public let priceable: Bool
  /// The original's cost and the rewrite's, when a database EXPLAINed both.
  public var costBefore: Double?
  public var costAfter: Double?

  public init(
    rule: String, sql: String, caveat: String?, priceable: Bool = true, costBefore: Double? = nil, costAfter: Double? = nil
  ) {
    self.rule = rule
    self.priceable = priceable
    self.sql = sql
    self.caveat = caveat
    self.costBefore = costBefore
    self.costAfter = costAfter
  }
}
