import Foundation

/// The last stage of a live run with hypopg: one index set for all the statements that were
/// planned (`WorkloadSelection`), named as the per-statement suggestions are, with each index's
/// write cost, HOT-update and confidence notes. It runs on one connection, in a read-only
/// transaction that is rolled back, after every statement has its own plan.
enum WorkloadStage {
  static func run(
    _ files: [FileAnalysis], catalog: CatalogFacts, options: LiveOptions, naming: inout IndexNaming, pool: ConnectionPool
  ) -> Result<WorkloadAdvice, PostgresError>? {
    guard let advisor = options.advisor, catalog.hypopgInstalled,
      files.contains(where: { $0.statements.contains { !$0.indexSuggestions.isEmpty } })
    else { return nil }
    let gathered = gather(files, catalog: catalog, advisor: advisor, store: options.store)
    guard !gathered.candidates.isEmpty else { return nil }
    var discount: [String: Double] = [:]
    var writeNotes: [String: String] = [:]
    for candidate in gathered.candidates where writeNotes[candidate.tableName] == nil {
      if let (factor, note) = IndexNotes.writeDiscount(candidate.relation, catalog: catalog) {
        discount[candidate.tableName] = factor
        writeNotes[candidate.tableName] = note
      }
    }
    let selection = WorkloadSelection(
      statements: gathered.statements, candidates: gathered.candidates, catalog: catalog, options: options.workload,
      minSavings: advisor.minSavings, discount: discount)
    let session = PooledSession(pool: pool)
    defer { session.close() }
    let result: WorkloadSelection.Result
    do throws(PostgresError) {
      result = try session.run { connection throws(PostgresError) in
        try connection.query("BEGIN READ ONLY")
        let hypothetical = HypotheticalIndexes(connection: connection)
        do throws(PostgresError) {
          let result = try selection.run(on: hypothetical)
          try hypothetical.reset()
          try connection.query("ROLLBACK")
          return result
        } catch {
          _ = try? connection.query("ROLLBACK")
          _ = try? hypothetical.reset()
          throw error
        }
      }
    } catch {
      return .failure(error)
    }
    return .success(
      advice(result, gathered: gathered, writeNotes: writeNotes, catalog: catalog, options: options, naming: &naming))
  }

  struct Gathered {
    var statements: [WorkloadStatement] = []
    /// The analyzed plan of each statement, when --analyze ran it.
    var analyzedPlans: [Int: ExplainResult] = [:]
    var candidates: [IndexCandidate] = []
    /// `schema.table.column` → where the workload's UPDATEs set it.
    var updatedColumns: [String: [String]] = [:]
    var weighted = false
  }

  /// The planned statements, their weights, the candidates of the ones worth an index (parse
  /// tree and plan), and the columns the UPDATEs set.
  static func gather(_ files: [FileAnalysis], catalog: CatalogFacts, advisor: AdvisorOptions, store: TieredStore?) -> Gathered {
    var gathered = Gathered()
    var seen = Set<IndexCandidate>()
    for file in files {
      for statement in file.statements {
        guard let plan = statement.plan, let explainPlan = statement.explainPlan, explainPlan.explainableKind != nil else {
          continue
        }
        let location = "\(file.source.name):\(file.text.position(ofByte: statement.start))"
        let sql = file.sql(of: statement)
        let calls = statement.fingerprint.flatMap { weight(of: $0, in: store) }
        if calls != nil { gathered.weighted = true }
        let tables = Set(PlanWalker.entries(of: plan.plan).compactMap { entry -> String? in
          guard let name = entry.node.relationName else { return nil }
          return catalog.relation(schema: entry.node.schema, name: name).map { "\($0.schema).\($0.name)" }
        })
        if statement.planAnalyzed { gathered.analyzedPlans[gathered.statements.count] = plan }
        gathered.statements.append(
          WorkloadStatement(
            location: location, sql: sql, plan: explainPlan, cost: plan.plan.totalCost, weight: calls ?? 1, tables: tables))
        let root = StatementParser.parse(sql: sql).first?.root
        if let root { noteUpdates(root, at: location, catalog: catalog, into: &gathered.updatedColumns) }
        guard plan.plan.totalCost >= advisor.minimumCost else { continue }
        let fromTree = root.map { Array(CandidateFinder.candidates(for: $0, catalog: catalog).prefix(advisor.maxCandidates)) } ?? []
        for candidate in fromTree + PlanCandidates.candidates(for: plan, catalog: catalog) where seen.insert(candidate).inserted {
          gathered.candidates.append(candidate)
        }
      }
    }
    return gathered
  }

  /// Calls of the query in the latest `report` run the store holds.
  static func weight(of fingerprint: String, in store: TieredStore?) -> Double? {
    guard let store else { return nil }
    let entries = MetricsHistory.trends(in: store, fingerprint: fingerprint).first { $0.fingerprint == fingerprint }?.entries ?? []
    return entries.last { $0.source == "report" && ($0.calls ?? 0) > 0 }?.calls.map(Double.init)
  }

  static func noteUpdates(_ root: Node, at location: String, catalog: CatalogFacts, into columns: inout [String: [String]]) {
    guard root.kind == .updateStmt, let target = root.node(.relation), let name = target.string(.relname),
      let relation = catalog.relation(schema: target.string(.schemaname), name: name)
    else { return }
    for item in root.list(.targetList) {
      guard let column = item.string(.name) else { continue }
      columns["\(relation.schema).\(relation.name).\(column)", default: []].append(location)
    }
  }

  static func advice(
    _ result: WorkloadSelection.Result, gathered: Gathered, writeNotes: [String: String], catalog: CatalogFacts,
    options: LiveOptions, naming: inout IndexNaming
  ) -> WorkloadAdvice {
    let statements = gathered.statements
    var indexes: [WorkloadAdvice.Index] = []
    for chosen in result.chosen {
      let before = chosen.serves.reduce(0) { $0 + result.costs[$1] * statements[$1].weight } + chosen.saving
      var suggestion = IndexAdvisor.suggestion(
        chosen.candidate, before: before, after: before - chosen.saving, verified: true, catalog: catalog, naming: &naming)
      suggestion.lowConfidence = chosen.serves.lazy.compactMap { gathered.analyzedPlans[$0] }
        .compactMap { IndexNotes.confidence(chosen.candidate, plan: $0, catalog: catalog) }.first
      let notes = [
        writeNotes[chosen.candidate.tableName],
        IndexNotes.hotUpdates(chosen.candidate, updatedColumns: gathered.updatedColumns, catalog: catalog),
      ].compactMap { $0 }
      indexes.append(
        WorkloadAdvice.Index(
          suggestion: suggestion, sizeBytes: chosen.size, statements: chosen.serves.map { statements[$0].location },
          saving: chosen.saving, notes: notes))
    }
    // Largest saving first; an index whose saving rests on a wrong estimate after the others.
    indexes = indexes.enumerated().sorted { left, right in
      let l = (left.element.suggestion.lowConfidence == nil ? 0 : 1, -left.element.saving, left.offset)
      let r = (right.element.suggestion.lowConfidence == nil ? 0 : 1, -right.element.saving, right.offset)
      return l < r
    }.map(\.element)
    let leftOut = result.leftOut.map { item in
      WorkloadAdvice.LeftOut(
        suggestion: IndexAdvisor.suggestion(item.candidate, before: 0, after: nil, verified: true, catalog: catalog, naming: &naming),
        sizeBytes: item.size, saving: item.saving, reason: item.reason)
    }
    return WorkloadAdvice(
      indexes: indexes, leftOut: leftOut,
      costBefore: statements.reduce(0) { $0 + $1.cost * $1.weight },
      costAfter: zip(statements, result.costs).reduce(0) { $0 + $1.1 * $1.0.weight }, statements: statements.count,
      weighted: gathered.weighted, options: options.workload, basis: options.explain.analyze ? "actual" : "estimate")
  }
}
