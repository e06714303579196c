/// Candidates from what the plan shows the executor doing on base tables, for what the parse tree
/// hides: a view's or an inlined SQL function's tables, a CTE's body, an OR whose arms share a join
/// key (the planner factors it), a sort under a LIMIT. Each condition the plan prints (Filter,
/// Index Cond, Join Filter, Hash Cond, Merge Cond; a Sort Key under a Limit) is parsed back as
/// `SELECT * FROM <the plan's tables by alias> WHERE <condition> [ORDER BY … LIMIT 1]` and handed to
/// `CandidateFinder`, so both paths propose indexes by the same rules.
public enum PlanCandidates {
  public static func candidates(for plan: ExplainResult, catalog: CatalogFacts) -> [IndexCandidate] {
    let entries = PlanWalker.entries(of: plan.plan)
    var aliases: [(alias: String, relation: CatalogFacts.Relation)] = []
    for entry in entries {
      let node = entry.node
      guard let name = node.relationName, let relation = catalog.relation(schema: node.schema, name: name),
        relation.kind != "v", !aliases.contains(where: { $0.alias == (node.alias ?? name) })
      else { continue }
      aliases.append((node.alias ?? name, relation))
    }
    guard !aliases.isEmpty else { return [] }
    let from = aliases.map { SQLIdentifier.qualified($0.relation.schema, $0.relation.name) + " AS " + SQLIdentifier.quote($0.alias) }
      .joined(separator: ", ")
    var queries: [String] = []
    for entry in entries {
      let node = entry.node
      for condition in [node.filter, node.indexCond, node.joinFilter, node.hashCond, node.mergeCond].compactMap({ $0 }) {
        queries.append("SELECT * FROM \(from) WHERE \(condition)")
      }
      if let ordered = sortUnderLimit(node) { queries.append("SELECT * FROM \(from)\(ordered)") }
    }
    var seen = Set<IndexCandidate>()
    var result: [IndexCandidate] = []
    for query in queries {
      // A condition that does not read back as SQL (`(hashed SubPlan 1)`) proposes nothing.
      guard let parsed = StatementParser.parse(sql: query).first, let root = parsed.root else {
        continue
      }
      for var candidate in CandidateFinder.candidates(for: root, catalog: catalog) where seen.insert(candidate).inserted {
        candidate.reason += " (from the plan)"
        result.append(candidate)
      }
    }
    return result
  }

  /// ` WHERE <filter> ORDER BY <keys> LIMIT 1` for a Limit over a Sort (through a Gather Merge)
  /// over a scan of one table: an index in that order ends the sort and stops at the limit.
  static func sortUnderLimit(_ limit: PlanNode) -> String? {
    guard limit.nodeType == "Limit", var below = limit.plans.first else { return nil }
    if below.nodeType == "Gather Merge", let next = below.plans.first { below = next }
    guard below.nodeType == "Sort" || below.nodeType == "Incremental Sort", let keys = below.sortKey, !keys.isEmpty,
      let scan = below.plans.first, scan.relationName != nil
    else { return nil }
    let filter = [scan.filter, scan.indexCond].compactMap { $0 }.joined(separator: " AND ")
    return (filter.isEmpty ? "" : " WHERE \(filter)") + " ORDER BY \(keys.joined(separator: ", ")) LIMIT 1"
  }
}
