/// Settings of `check`.
public struct CheckOptions: Sendable {
  /// Cost growth tolerated before `cost-regression`, as a fraction (0.2 = 20 %).
  public var maxCostIncrease = 0.2
  /// New statements are errors, not warnings.
  public var failOnNew = false
  public var largeTableRows = 10_000.0

  public init() {}
}

/// What `check` found beyond per-statement findings.
public struct CheckSummary: Sendable, Equatable {
  public var checked = 0
  public var regressions = 0
  public var improvements = 0
  public var new = 0
  /// Baseline entries whose statements are gone: reported, not an error.
  public var gone: [Baseline.Entry] = []
  public init() {}
}

/// Compares each statement's plan with its baseline entry and adds regression findings.
public enum PlanComparison {
  public static func key(of statement: StatementAnalysis) -> String? { statement.name ?? statement.fingerprint }

  public static func compare(
    _ files: inout [FileAnalysis], baseline: Baseline, catalog: CatalogFacts?, options: CheckOptions,
    configuration: Configuration
  ) -> CheckSummary {
    var summary = CheckSummary()
    var seen = Set<String>()
    for file in files.indices {
      for index in files[file].statements.indices {
        let statement = files[file].statements[index]
        guard let key = key(of: statement) else { continue }
        let expected = baseline.entries[key]
        if expected != nil { seen.insert(key) }
        var found: [(RuleDescription, String)] = []
        if let plan = statement.plan {
          summary.checked += 1
          let current = Baseline.Entry(plan: plan, name: statement.name, file: files[file].source.name, fingerprint: statement.fingerprint)
          if let expected {
            found = differences(
              expected, current, maxIncrease: statement.maxCostIncrease ?? options.maxCostIncrease, catalog: catalog,
              largeTableRows: options.largeTableRows)
          } else if statement.explainPlan?.explainableKind != nil || statement.range.isEmpty {
            found = [(CheckFindings.newStatement, "no baseline entry for this statement (key \(key))")]
          }
        } else if expected != nil, statement.error != nil || statement.findings.contains(where: { $0.cause == .explainFailed }) {
          found = [(CheckFindings.statementBroken, "the statement had a baseline plan but no longer \(statement.error != nil ? "parses" : "EXPLAINs")")]
        }
        var comparison: [Finding] = []
        for (description, message) in found {
          guard configuration.isEnabled(description.id) else { continue }
          var severity = configuration.rules[description.id]?.severity ?? description.defaultSeverity
          if description.id == CheckFindings.newStatement.id && options.failOnNew { severity = .error }
          switch description.id {
          case CheckFindings.costImproved.id: summary.improvements += 1
          case CheckFindings.newStatement.id: summary.new += 1
          default: summary.regressions += 1
          }
          let help = description.id == CheckFindings.costImproved.id || description.id == CheckFindings.newStatement.id
            ? "run pgtune-query check --update-baseline to record the current plan" : description.rationale
          comparison.append(
            Finding(rule: description.id, severity: severity, message: message, offset: statement.start, help: help))
        }
        files[file].statements[index].add(comparison)
      }
    }
    summary.gone = baseline.entries.filter { !seen.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
    return summary
  }

  /// Cost units below which a plan from a zero-cost baseline is still "nothing".
  static let zeroBaselineFloor = 1.0

  static func differences(
    _ expected: Baseline.Entry, _ current: Baseline.Entry, maxIncrease: Double, catalog: CatalogFacts?,
    largeTableRows: Double
  ) -> [(RuleDescription, String)] {
    var found: [(RuleDescription, String)] = []
    // A baseline cost of 0 (a plan of constants) has no percentage: any cost at all above a
    // small absolute floor is a rise, not "+0 %".
    let delta: Double
    if expected.totalCost > 0 {
      delta = (current.totalCost - expected.totalCost) / expected.totalCost
    } else {
      delta = current.totalCost > Self.zeroBaselineFloor ? .infinity : 0
    }
    let change =
      delta.isInfinite
      ? String(format: "%.2f → %.2f (from nothing)", expected.totalCost, current.totalCost)
      : String(format: "%.2f → %.2f (%+.0f %%)", expected.totalCost, current.totalCost, delta * 100)
    if delta > maxIncrease {
      found.append((CheckFindings.costRegression, "plan cost \(change), more than the \(Int((maxIncrease * 100).rounded())) % allowed"))
    } else if delta < -maxIncrease {
      found.append((CheckFindings.costImproved, "plan cost \(change)"))
    }
    let indexed: Set = ["Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Bitmap Index Scan"]
    for relation in Set(expected.nodeTypesByRelation.keys).union(current.nodeTypesByRelation.keys).sorted() {
      let before = Set(expected.nodeTypesByRelation[relation] ?? [])
      let after = Set(current.nodeTypesByRelation[relation] ?? [])
      let seqNow = after.contains("Seq Scan") || after.contains("Parallel Seq Scan")
      let seqBefore = before.contains("Seq Scan") || before.contains("Parallel Seq Scan")
      if seqNow && !seqBefore && !before.isDisjoint(with: indexed) && after.isDisjoint(with: indexed) {
        found.append((CheckFindings.indexScanToSeqScan, "\(relation) was read by \(before.sorted().joined(separator: ", ")), now by a sequential scan; cost \(change)"))
      } else if seqNow && !seqBefore {
        let parts = relation.split(separator: ".", maxSplits: 1).map(String.init)
        let rows = catalog?.relation(schema: parts.count == 2 ? parts[0] : nil, name: parts.last ?? relation)?.rows ?? 0
        if rows >= largeTableRows {
          found.append((CheckFindings.newSeqScanOnLargeTable, "\(relation) (~\(Int(rows)) rows) is now scanned sequentially; cost \(change)"))
        }
      }
      if before.contains("Index Only Scan") && !after.contains("Index Only Scan") && after.contains("Index Scan") {
        found.append((CheckFindings.indexOnlyToIndexScan, "\(relation): index-only scan became an index scan; cost \(change)"))
      }
    }
    if expected.joinTypes != current.joinTypes {
      found.append((CheckFindings.joinTypeChanged, "joins were \(describe(expected.joinTypes)), now \(describe(current.joinTypes))"))
    }
    if current.sortCount > expected.sortCount {
      found.append((CheckFindings.sortAdded, "the plan now has \(current.sortCount) sort(s), the baseline \(expected.sortCount)"))
    }
    if expected.indexesUsed != current.indexesUsed, !current.indexesUsed.isEmpty,
      !found.contains(where: { $0.0.id == CheckFindings.indexScanToSeqScan.id })
    {
      found.append((CheckFindings.indexChanged, "indexes used were \(describe(expected.indexesUsed)), now \(describe(current.indexesUsed))"))
    }
    return found
  }

  private static func describe(_ values: [String]) -> String { values.isEmpty ? "none" : values.joined(separator: ", ") }
}
