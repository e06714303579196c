import Foundation

/// One node of an `EXPLAIN (FORMAT JSON)` plan. The coding keys are EXPLAIN's own keys, so a
/// plan pasted from psql or saved from production decodes as is. Unknown keys are ignored; every
/// key that only some node types or options produce is optional.
///
/// A class: a node has dozens of fields, and results hold plans for thousands of statements;
/// sharing one immutable instance keeps every copy of a result a pointer wide.
public final class PlanNode: Decodable, Sendable, Equatable {
  public static func == (lhs: PlanNode, rhs: PlanNode) -> Bool {
    lhs === rhs
      || (lhs.nodeType == rhs.nodeType && lhs.relationName == rhs.relationName && lhs.indexName == rhs.indexName
        && lhs.startupCost == rhs.startupCost && lhs.totalCost == rhs.totalCost && lhs.planRows == rhs.planRows
        && lhs.actualRows == rhs.actualRows && lhs.filter == rhs.filter && lhs.plans == rhs.plans)
  }

  public let nodeType: String
  public let parentRelationship: String?
  public let subplanName: String?
  public let parallelAware: Bool?
  public let joinType: String?
  public let strategy: String?
  public let partialMode: String?
  public let relationName: String?
  public let schema: String?
  public let alias: String?
  public let indexName: String?
  public let cteName: String?
  public let functionName: String?
  public let scanDirection: String?

  public let startupCost: Double
  public let totalCost: Double
  public let planRows: Double
  public let planWidth: Int?

  /// Present with ANALYZE (per loop, as EXPLAIN reports them).
  public let actualStartupTime: Double?
  public let actualTotalTime: Double?
  public let actualRows: Double?
  public let actualLoops: Double?

  public let output: [String]?
  public let filter: String?
  public let rowsRemovedByFilter: Double?
  public let joinFilter: String?
  public let rowsRemovedByJoinFilter: Double?
  public let indexCond: String?
  public let recheckCond: String?
  public let rowsRemovedByIndexRecheck: Double?
  public let hashCond: String?
  public let mergeCond: String?
  public let sortKey: [String]?
  public let groupKey: [String]?
  public let sortMethod: String?
  public let sortSpaceUsed: Double?
  public let sortSpaceType: String?
  public let hashBuckets: Double?
  public let hashBatches: Double?
  public let originalHashBatches: Double?
  public let peakMemoryUsage: Double?
  public let workersPlanned: Int?
  public let workersLaunched: Int?
  public let heapFetches: Double?
  public let exactHeapBlocks: Double?
  public let lossyHeapBlocks: Double?
  public let innerUnique: Bool?
  public let tempReadBlocks: Double?
  public let tempWrittenBlocks: Double?
  public let sharedHitBlocks: Double?
  public let sharedReadBlocks: Double?

  public let plans: [PlanNode]

  enum CodingKeys: String, CodingKey {
    case nodeType = "Node Type"
    case parentRelationship = "Parent Relationship"
    case subplanName = "Subplan Name"
    case parallelAware = "Parallel Aware"
    case joinType = "Join Type"
    case strategy = "Strategy"
    case partialMode = "Partial Mode"
    case relationName = "Relation Name"
    case schema = "Schema"
    case alias = "Alias"
    case indexName = "Index Name"
    case cteName = "CTE Name"
    case functionName = "Function Name"
    case scanDirection = "Scan Direction"
    case startupCost = "Startup Cost"
    case totalCost = "Total Cost"
    case planRows = "Plan Rows"
    case planWidth = "Plan Width"
    case actualStartupTime = "Actual Startup Time"
    case actualTotalTime = "Actual Total Time"
    case actualRows = "Actual Rows"
    case actualLoops = "Actual Loops"
    case output = "Output"
    case filter = "Filter"
    case rowsRemovedByFilter = "Rows Removed by Filter"
    case joinFilter = "Join Filter"
    case rowsRemovedByJoinFilter = "Rows Removed by Join Filter"
    case indexCond = "Index Cond"
    case recheckCond = "Recheck Cond"
    case rowsRemovedByIndexRecheck = "Rows Removed by Index Recheck"
    case hashCond = "Hash Cond"
    case mergeCond = "Merge Cond"
    case sortKey = "Sort Key"
    case groupKey = "Group Key"
    case sortMethod = "Sort Method"
    case sortSpaceUsed = "Sort Space Used"
    case sortSpaceType = "Sort Space Type"
    case hashBuckets = "Hash Buckets"
    case hashBatches = "Hash Batches"
    case originalHashBatches = "Original Hash Batches"
    case peakMemoryUsage = "Peak Memory Usage"
    case workersPlanned = "Workers Planned"
    case workersLaunched = "Workers Launched"
    case heapFetches = "Heap Fetches"
    case exactHeapBlocks = "Exact Heap Blocks"
    case lossyHeapBlocks = "Lossy Heap Blocks"
    case innerUnique = "Inner Unique"
    case tempReadBlocks = "Temp Read Blocks"
    case tempWrittenBlocks = "Temp Written Blocks"
    case sharedHitBlocks = "Shared Hit Blocks"
    case sharedReadBlocks = "Shared Read Blocks"
    case plans = "Plans"
  }

  public required init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    func optional<T: Decodable>(_ key: CodingKeys) throws -> T? { try container.decodeIfPresent(T.self, forKey: key) }
    nodeType = try container.decode(String.self, forKey: .nodeType)
    parentRelationship = try optional(.parentRelationship)
    subplanName = try optional(.subplanName)
    parallelAware = try optional(.parallelAware)
    joinType = try optional(.joinType)
    strategy = try optional(.strategy)
    partialMode = try optional(.partialMode)
    relationName = try optional(.relationName)
    schema = try optional(.schema)
    alias = try optional(.alias)
    indexName = try optional(.indexName)
    cteName = try optional(.cteName)
    functionName = try optional(.functionName)
    scanDirection = try optional(.scanDirection)
    startupCost = try optional(.startupCost) ?? 0
    totalCost = try optional(.totalCost) ?? 0
    planRows = try optional(.planRows) ?? 0
    planWidth = try optional(.planWidth)
    actualStartupTime = try optional(.actualStartupTime)
    actualTotalTime = try optional(.actualTotalTime)
    actualRows = try optional(.actualRows)
    actualLoops = try optional(.actualLoops)
    output = try optional(.output)
    filter = try optional(.filter)
    rowsRemovedByFilter = try optional(.rowsRemovedByFilter)
    joinFilter = try optional(.joinFilter)
    rowsRemovedByJoinFilter = try optional(.rowsRemovedByJoinFilter)
    indexCond = try optional(.indexCond)
    recheckCond = try optional(.recheckCond)
    rowsRemovedByIndexRecheck = try optional(.rowsRemovedByIndexRecheck)
    hashCond = try optional(.hashCond)
    mergeCond = try optional(.mergeCond)
    sortKey = try optional(.sortKey)
    groupKey = try optional(.groupKey)
    sortMethod = try optional(.sortMethod)
    sortSpaceUsed = try optional(.sortSpaceUsed)
    sortSpaceType = try optional(.sortSpaceType)
    hashBuckets = try optional(.hashBuckets)
    hashBatches = try optional(.hashBatches)
    originalHashBatches = try optional(.originalHashBatches)
    peakMemoryUsage = try optional(.peakMemoryUsage)
    workersPlanned = try optional(.workersPlanned)
    workersLaunched = try optional(.workersLaunched)
    heapFetches = try optional(.heapFetches)
    exactHeapBlocks = try optional(.exactHeapBlocks)
    lossyHeapBlocks = try optional(.lossyHeapBlocks)
    innerUnique = try optional(.innerUnique)
    tempReadBlocks = try optional(.tempReadBlocks)
    tempWrittenBlocks = try optional(.tempWrittenBlocks)
    sharedHitBlocks = try optional(.sharedHitBlocks)
    sharedReadBlocks = try optional(.sharedReadBlocks)
    plans = try optional(.plans) ?? []
  }

  /// `public.orders`, or nil for nodes that scan no relation.
  public var qualifiedRelation: String? {
    guard let relationName else { return nil }
    return schema.map { "\($0).\(relationName)" } ?? relationName
  }

  /// A short label for messages: `Seq Scan on public.orders`, `Index Scan using orders_pkey`.
  public var label: String {
    var text = nodeType
    if let relation = qualifiedRelation {
      text += " on \(relation)"
      if let alias, alias != relationName { text += " \(alias)" }
    }
    if let indexName { text += " using \(indexName)" }
    if let cteName { text += " on CTE \(cteName)" }
    if let functionName { text += " on \(functionName)()" }
    return text
  }

  /// Whether the plan was produced by EXPLAIN ANALYZE.
  public var isAnalyzed: Bool { actualTotalTime != nil }

  /// Rows over all loops (EXPLAIN reports `Actual Rows` per loop).
  public var actualTotalRows: Double? {
    guard let actualRows else { return nil }
    return actualRows * (actualLoops ?? 1)
  }
}
