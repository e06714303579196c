import Foundation

/// One node of an `EXPLAIN (FORMAT JSON)` plan. The coding keys are EXPLAIN's own keys, so a
/// plan pasted from psql or saved from production reads as is. Unknown keys are ignored; every
/// key that only some node types or options produce is optional.
///
/// A class: a node has dozens of fields, and results hold plans for thousands of statements;
/// sharing one immutable instance keeps every copy of a result a pointer wide.
public final class PlanNode: Sendable, Equatable {
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

  /// EXPLAIN's key for each property.
  enum Key: String {
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

  /// A node from its JSON object (wrongly typed values read as absent). Recursive: the depth is
  /// bounded by `JSONValue.maximumDepth`.
  package init(json: JSONValue) throws(PlanFormatError) {
    guard json.isObject else { throw PlanFormatError(message: "a plan node that is not a JSON object") }
    func value(_ key: Key) -> JSONValue? { json[key.rawValue] }
    func text(_ key: Key) -> String? { value(key)?.string }
    // Figures beyond ±1e15 come only from damaged or hand-made files (PostgreSQL's own ceiling,
    // disable_cost, is 1e10): clamped here, so no later integer conversion can trap on them.
    func number(_ key: Key) -> Double? { value(key)?.number.map { min(max($0, -1e15), 1e15) } }
    func integer(_ key: Key) -> Int? { number(key).flatMap { Int(exactly: $0.rounded()) } }
    func flag(_ key: Key) -> Bool? { value(key)?.bool }
    func texts(_ key: Key) -> [String]? { value(key)?.array?.compactMap(\.string) }
    guard let nodeType = text(.nodeType) else { throw PlanFormatError(message: "missing \"Node Type\"") }
    self.nodeType = nodeType
    parentRelationship = text(.parentRelationship)
    subplanName = text(.subplanName)
    parallelAware = flag(.parallelAware)
    joinType = text(.joinType)
    strategy = text(.strategy)
    partialMode = text(.partialMode)
    relationName = text(.relationName)
    schema = text(.schema)
    alias = text(.alias)
    indexName = text(.indexName)
    cteName = text(.cteName)
    functionName = text(.functionName)
    scanDirection = text(.scanDirection)
    startupCost = number(.startupCost) ?? 0
    totalCost = number(.totalCost) ?? 0
    planRows = number(.planRows) ?? 0
    planWidth = integer(.planWidth)
    actualStartupTime = number(.actualStartupTime)
    actualTotalTime = number(.actualTotalTime)
    actualRows = number(.actualRows)
    actualLoops = number(.actualLoops)
    output = texts(.output)
    filter = text(.filter)
    rowsRemovedByFilter = number(.rowsRemovedByFilter)
    joinFilter = text(.joinFilter)
    rowsRemovedByJoinFilter = number(.rowsRemovedByJoinFilter)
    indexCond = text(.indexCond)
    recheckCond = text(.recheckCond)
    rowsRemovedByIndexRecheck = number(.rowsRemovedByIndexRecheck)
    hashCond = text(.hashCond)
    mergeCond = text(.mergeCond)
    sortKey = texts(.sortKey)
    groupKey = texts(.groupKey)
    sortMethod = text(.sortMethod)
    sortSpaceUsed = number(.sortSpaceUsed)
    sortSpaceType = text(.sortSpaceType)
    hashBuckets = number(.hashBuckets)
    hashBatches = number(.hashBatches)
    originalHashBatches = number(.originalHashBatches)
    peakMemoryUsage = number(.peakMemoryUsage)
    workersPlanned = integer(.workersPlanned)
    workersLaunched = integer(.workersLaunched)
    heapFetches = number(.heapFetches)
    exactHeapBlocks = number(.exactHeapBlocks)
    lossyHeapBlocks = number(.lossyHeapBlocks)
    innerUnique = flag(.innerUnique)
    tempReadBlocks = number(.tempReadBlocks)
    tempWrittenBlocks = number(.tempWrittenBlocks)
    sharedHitBlocks = number(.sharedHitBlocks)
    sharedReadBlocks = number(.sharedReadBlocks)
    plans = try (value(.plans)?.array ?? []).map { child throws(PlanFormatError) in try PlanNode(json: child) }
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
