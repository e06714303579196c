/// One plan node reached by `PlanWalker`: the node, its position and its derived numbers.
public struct PlanEntry: Sendable {
  public let node: PlanNode
  /// Index of this entry in pre-order (0 is the root).
  public let index: Int
  public let parent: Int?
  public let depth: Int
  /// Cost of this node without its children, over all the times it runs (clamped at 0: a
  /// Limit's child may cost more than the Limit).
  public let exclusiveCost: Double
  /// Share of the root's total cost spent in this node alone, 0…1.
  public let costShare: Double
  /// With ANALYZE: milliseconds spent in this node alone, over all its loops.
  public let exclusiveTime: Double?
  /// With ANALYZE: share of the root's total time spent in this node alone.
  public let timeShare: Double?
  /// With ANALYZE: how far the row estimate was off, ≥ 1 (10 means 10× too many or too few).
  public let estimateFactor: Double?
}

/// Walks a plan children-first into `PlanEntry` values. The plan itself is never changed.
public enum PlanWalker {
  /// A hashed sub plan (`NOT (hashed SubPlan 1)`) runs once to build its hash table.
  static func isHashed(_ subplan: PlanNode, in parent: PlanNode) -> Bool {
    guard let name = subplan.subplanName else { return false }
    let texts = [parent.filter, parent.joinFilter, parent.indexCond, parent.recheckCond].compactMap { $0 }
      + (parent.output ?? [])
    return texts.contains { $0.contains("hashed \(name)") }
  }

  public static func entries(of plan: PlanNode) -> [PlanEntry] {
    // Pre-order list without recursion, with how often each node runs: EXPLAIN prints the cost
    // of ONE execution of a node, but a nested loop's inner side runs once per outer row and a
    // sub plan once per row of its parent, and the parent's cost already includes those runs.
    var order: [(node: PlanNode, parent: Int?, depth: Int, loops: Double)] = []
    var stack: [(PlanNode, Int?, Int, Double)] = [(plan, nil, 0, 1)]
    while let (node, parent, depth, loops) = stack.popLast() {
      let index = order.count
      order.append((node, parent, depth, loops))
      let outerRows = node.plans.first { $0.parentRelationship == "Outer" }?.planRows ?? 1
      for child in node.plans.reversed() {
        var childLoops = loops
        // A Materialize or Memoize inner side computes its input once and replays it cheaply;
        // the nested loop's own cost already holds the replays.
        let replays = child.nodeType == "Materialize" || child.nodeType == "Memoize"
        if node.nodeType == "Nested Loop" && child.parentRelationship == "Inner" && !replays {
          childLoops = loops * max(1, outerRows)
        } else if child.parentRelationship == "SubPlan" && !isHashed(child, in: node) {
          childLoops = loops * max(1, node.planRows)
        }
        stack.append((child, index, depth + 1, childLoops))
      }
    }
    let rootCost = max(plan.totalCost, .leastNonzeroMagnitude)
    let rootTime = plan.actualTotalTime.map { max($0 * (plan.actualLoops ?? 1), .leastNonzeroMagnitude) }
    var childrenCost = [Double](repeating: 0, count: order.count)
    for item in order {
      if let parent = item.parent { childrenCost[parent] += item.node.totalCost * item.loops }
    }
    return order.enumerated().map { index, item in
      let node = item.node
      let exclusiveCost = max(0, node.totalCost * item.loops - childrenCost[index])
      var exclusiveTime: Double?
      if let time = node.actualTotalTime {
        let total = time * (node.actualLoops ?? 1)
        let children = node.plans.reduce(0) { $0 + ($1.actualTotalTime ?? 0) * ($1.actualLoops ?? 1) }
        exclusiveTime = max(0, total - children)
      }
      var factor: Double?
      if let actual = node.actualRows, node.actualLoops ?? 1 > 0 {
        let estimated = max(node.planRows, 1)
        let measured = max(actual, 1)
        factor = max(estimated / measured, measured / estimated)
      }
      return PlanEntry(
        node: node, index: index, parent: item.parent, depth: item.depth, exclusiveCost: exclusiveCost,
        costShare: min(1, exclusiveCost / rootCost), exclusiveTime: exclusiveTime,
        timeShare: exclusiveTime.flatMap { time in rootTime.map { min(1, time / $0) } }, estimateFactor: factor)
    }
  }
}

/// What a plan uses, for output and for comparing plans.
public struct PlanSummary: Sendable, Equatable {
  public let totalCost: Double
  public let startupCost: Double
  public let planRows: Double
  public let actualTotalTime: Double?
  public let indexesUsed: [String]
  public let relations: [String]
  public let nodeTypes: [String]
  public let joinTypes: [String]
  public let sortMethods: [String]
  /// Nodes that spilled to disk (sorts on disk, hashes in several batches).
  public let spills: [String]

  public init(_ result: ExplainResult) {
    let plan = result.plan
    let entries = PlanWalker.entries(of: plan)
    totalCost = plan.totalCost
    startupCost = plan.startupCost
    planRows = plan.planRows
    actualTotalTime = result.executionTime ?? plan.actualTotalTime
    func distinct(_ values: [String]) -> [String] {
      var seen = Set<String>()
      return values.filter { seen.insert($0).inserted }
    }
    indexesUsed = distinct(entries.compactMap(\.node.indexName))
    relations = distinct(entries.compactMap(\.node.qualifiedRelation))
    nodeTypes = distinct(entries.map(\.node.nodeType))
    joinTypes = distinct(entries.compactMap(\.node.joinType))
    sortMethods = distinct(entries.compactMap(\.node.sortMethod))
    spills = entries.compactMap { entry in
      if entry.node.sortSpaceType == "Disk" { return "\(entry.node.label): sort on disk" }
      if let batches = entry.node.hashBatches, batches > 1 { return "\(entry.node.label): \(Int(batches)) batches" }
      return nil
    }
  }
}
