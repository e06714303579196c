/// A statement of the workload, as the selection re-costs it.
public struct WorkloadStatement: Sendable {
  /// `file.sql:3:1`, as reports name statements.
  public let location: String
  public let sql: String
  public let plan: ExplainPlan
  /// Estimated total cost without any suggested index.
  public let cost: Double
  /// How much the statement counts: its calls in the store's report runs, else 1.
  public let weight: Double
  /// `schema.table` of every base table its plan reads.
  public let tables: Set<String>

  public init(location: String, sql: String, plan: ExplainPlan, cost: Double, weight: Double, tables: Set<String>) {
    self.location = location
    self.sql = sql
    self.plan = plan
    self.cost = cost
    self.weight = weight
    self.tables = tables
  }
}

/// Limits on the set (`--storage-budget`, `--max-indexes`).
public struct WorkloadOptions: Sendable, Equatable {
  /// Bytes all chosen indexes may take together; nil: no limit.
  public var storageBudget: Double?
  public var maxIndexes: Int?

  public init(storageBudget: Double? = nil, maxIndexes: Int? = nil) {
    self.storageBudget = storageBudget
    self.maxIndexes = maxIndexes
  }
}

/// Chooses one set of indexes for the whole workload, greedily by benefit per byte: each round
/// re-costs the candidates with the indexes chosen so far in place (hypopg), so two indexes that
/// win the same thing are not both counted, and takes the one that saves the most weighted cost per
/// byte of index. Candidates are re-costed lazily (a candidate's saving can only fall as the set
/// grows, so one whose stale figure is below the best fresh one is not re-costed). A candidate
/// counts only if it cuts some statement's cost by `minSavings` of what it costs without any
/// suggested index. Then every chosen index is taken out in turn, largest first: one the others
/// make unnecessary is dropped, and what the set loses without it is its reported saving.
struct WorkloadSelection {
  struct Chosen {
    let candidate: IndexCandidate
    let size: Double
    /// Weighted cost the set loses without it.
    var saving: Double = 0
    /// Statements whose cost rises without it.
    var serves: [Int] = []
  }

  struct LeftOut {
    let candidate: IndexCandidate
    let size: Double
    /// Weighted saving it showed when last costed (an upper bound of what it would add).
    let saving: Double
    let reason: String
  }

  struct Result {
    var chosen: [Chosen]
    var leftOut: [LeftOut]
    /// Weighted costs per statement with the chosen set in place.
    var costs: [Double]
  }

  let statements: [WorkloadStatement]
  let candidates: [IndexCandidate]
  let catalog: CatalogFacts
  let options: WorkloadOptions
  /// A candidate must cut some statement's cost by this share (the advisor's --min-savings).
  let minSavings: Double
  /// Benefit multiplier per table (write-heavy tables count less), 1 when absent.
  let discount: [String: Double]

  func run(on session: HypotheticalIndexes) throws(PostgresError) -> Result {
    var greedy = Greedy(selection: self, sizes: try sizes(on: session))
    while try greedy.step(on: session) {}
    let chosen = try pruned(greedy.chosen, session: session)
    var costs: [Double] = []
    for statement in statements { costs.append(min(statement.cost, try session.cost(of: statement.sql, plan: statement.plan))) }
    return Result(chosen: chosen, leftOut: Self.distinct(greedy.leftOut + greedy.overMaximum(), chosen: chosen), costs: costs)
  }

  /// What was left out, without what the set already has or the same advice twice: one a chosen
  /// index serves (a prefix of it) is not missing, and of two left out where one serves the
  /// other — `(a, b)` and `(a, b) INCLUDE (c)` — the one that saves more per byte is listed, as the
  /// selection itself would have preferred it.
  static func distinct(_ leftOut: [LeftOut], chosen: [Chosen]) -> [LeftOut] {
    func perByte(_ item: LeftOut) -> Double { item.saving / max(item.size, 1) }
    return leftOut.enumerated().filter { position, left in
      !chosen.contains { serves($0.candidate, insteadOf: left.candidate) }
        && !leftOut.enumerated().contains { other, item in
          other != position
            && (serves(item.candidate, insteadOf: left.candidate) || serves(left.candidate, insteadOf: item.candidate))
            && (perByte(item), -other) > (perByte(left), -position)
        }
    }.map(\.element)
  }

  /// Each candidate's size: hypopg's estimate, corrected for deduplication; nil when refused.
  private func sizes(on session: HypotheticalIndexes) throws(PostgresError) -> [Double?] {
    var sizes: [Double?] = []
    for candidate in candidates {
      guard try session.create(candidate) else {
        sizes.append(nil)
        continue
      }
      sizes.append(try session.size(of: candidate).map { max(IndexSize.estimate(candidate, hypopg: $0, catalog: catalog), 8192) })
      try session.drop(candidate)
    }
    return sizes
  }

  /// The state of the lazy greedy choice: a stale bound is re-costed only when it is the best
  /// one left, and candidates that share no statement with a newly chosen index keep theirs.
  private struct Greedy {
    let selection: WorkloadSelection
    let sizes: [Double?]
    /// The statements that read each candidate's table.
    let relevant: [[Int]]
    var current: [Double]
    var bound: [Double]
    /// The round in which each bound was last computed (-1: never).
    var freshIn: [Int]
    var evaluated: [Int: [Int: Double]] = [:]
    var open: Set<Int>
    var chosen: [Chosen] = []
    var leftOut: [LeftOut] = []
    var used = 0.0
    var round = 0

    init(selection: WorkloadSelection, sizes: [Double?]) {
      self.selection = selection
      self.sizes = sizes
      let statements = selection.statements
      relevant = selection.candidates.map { candidate in
        statements.indices.filter { statements[$0].tables.contains(candidate.tableName) }
      }
      current = statements.map(\.cost)
      bound = [Double](repeating: .infinity, count: selection.candidates.count)
      freshIn = [Int](repeating: -1, count: selection.candidates.count)
      open = Set(selection.candidates.indices.filter { [relevant] in sizes[$0] != nil && !relevant[$0].isEmpty })
    }

    /// One step: re-cost the best stale candidate, or take (or leave out) the best fresh one.
    /// False when nothing is left to choose.
    mutating func step(on session: HypotheticalIndexes) throws(PostgresError) -> Bool {
      if let maximum = selection.options.maxIndexes, chosen.count >= maximum { return false }
      guard let best = open.max(by: { (bound[$0], -$0) < (bound[$1], -$1) }), bound[best] > 0 else { return false }
      if freshIn[best] != round {
        try evaluate(best, on: session)
        return true
      }
      open.remove(best)
      let candidate = selection.candidates[best]
      let size = sizes[best] ?? 0
      if chosen.contains(where: { WorkloadSelection.serves($0.candidate, insteadOf: candidate) }) { return true }
      if let budget = selection.options.storageBudget, used + size > budget {
        leftOut.append(LeftOut(candidate: candidate, size: size, saving: bound[best] * size, reason: "storage budget"))
        return true
      }
      _ = try session.create(candidate)
      chosen.append(Chosen(candidate: candidate, size: size))
      used += size
      for (statement, cost) in evaluated[best] ?? [:] { current[statement] = min(current[statement], cost) }
      round += 1
      let changed = Set(relevant[best])
      for other in open where freshIn[other] == round - 1 && changed.isDisjoint(with: relevant[other]) {
        freshIn[other] = round
      }
      return true
    }

    /// The candidate's weighted saving per byte with the chosen set in place; 0 when it cuts no
    /// statement's cost by `minSavings` of what it costs without any suggested index.
    mutating func evaluate(_ index: Int, on session: HypotheticalIndexes) throws(PostgresError) {
      let candidate = selection.candidates[index]
      guard try session.create(candidate) else {
        bound[index] = 0
        return
      }
      var costs: [Int: Double] = [:]
      var gain = 0.0
      var qualifies = false
      for statement in relevant[index] {
        let workload = selection.statements[statement]
        let cost = try session.cost(of: workload.sql, plan: workload.plan)
        costs[statement] = cost
        let saved = current[statement] - cost
        guard saved > 0 else { continue }
        gain += saved * workload.weight
        // Against the cost without any suggested index: an index that trims what another one
        // left is not worth its writes and bytes.
        if saved / max(workload.cost, .leastNonzeroMagnitude) >= selection.minSavings { qualifies = true }
      }
      try session.drop(candidate)
      let factor = selection.discount[candidate.tableName] ?? 1
      bound[index] = qualifies ? gain * factor / (sizes[index] ?? 1) : 0
      evaluated[index] = costs
      freshIn[index] = round
    }

    /// What --max-indexes left out, once it is reached.
    func overMaximum() -> [LeftOut] {
      guard let maximum = selection.options.maxIndexes, chosen.count >= maximum else { return [] }
      return open.sorted().filter { bound[$0] > 0 && bound[$0].isFinite && freshIn[$0] >= 0 }.map { index in
        LeftOut(
          candidate: selection.candidates[index], size: sizes[index] ?? 0, saving: bound[index] * (sizes[index] ?? 0),
          reason: "max indexes")
      }
    }
  }

  /// Takes each chosen index out in turn, largest first: one whose loss is under a tenth of what
  /// the set gained on the statements it serves is dropped (another index of the set serves them: a prefix
  /// beside a wider index, two that win the same thing); what the set loses without a kept index
  /// is its reported saving.
  private func pruned(_ chosen: [Chosen], session: HypotheticalIndexes) throws(PostgresError) -> [Chosen] {
    var kept = chosen.sorted { $0.size > $1.size }
    // A drop changes what the others are worth: measure again until a pass drops nothing.
    while true {
      let before = kept.count
      kept = try prunePass(kept, session: session)
      if kept.count == before || kept.isEmpty { return kept }
    }
  }

  private func prunePass(_ chosen: [Chosen], session: HypotheticalIndexes) throws(PostgresError) -> [Chosen] {
    var kept = chosen
    var index = 0
    while index < kept.count {
      let candidate = kept[index].candidate
      let statementsOfIt = statements.indices.filter { statements[$0].tables.contains(candidate.tableName) }
      var with: [Double] = []
      for statement in statementsOfIt { with.append(try session.cost(of: statements[statement].sql, plan: statements[statement].plan)) }
      try session.drop(candidate)
      var saving = 0.0
      var serves: [Int] = []
      var gained = 0.0
      for (position, statement) in statementsOfIt.enumerated() {
        let without = try session.cost(of: statements[statement].sql, plan: statements[statement].plan)
        let weight = statements[statement].weight
        if without > with[position] * 1.001 {
          saving += (without - with[position]) * weight
          gained += max(0, statements[statement].cost - with[position]) * weight
          serves.append(statement)
        }
      }
      if serves.isEmpty || saving < 0.1 * gained {
        kept.remove(at: index)
        continue
      }
      _ = try session.create(candidate)
      kept[index].saving = saving
      kept[index].serves = serves
      index += 1
    }
    return kept
  }

  /// Whether `wide` serves every lookup `narrow` would: same table and predicate, `narrow`'s keys
  /// lead `wide`'s, and `narrow`'s INCLUDE columns are among `wide`'s columns.
  static func serves(_ wide: IndexCandidate, insteadOf narrow: IndexCandidate) -> Bool {
    wide.tableName == narrow.tableName && wide.predicate == narrow.predicate && wide.keys.count >= narrow.keys.count
      && Array(wide.keys.prefix(narrow.keys.count)) == narrow.keys
      && Set(narrow.include).isSubset(of: Set(wide.keys.map(\.text) + wide.include))
  }
}
