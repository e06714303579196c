import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The workload's one index set, end to end on the real PostgreSQL 15 with hypopg
/// (`Fixtures/schemas/workload.sql`: parts and items, a view, a rare NULL, correlated columns, a
/// write-heavy event table).
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct WorkloadAdviceTests {
  static let database = Result { () throws -> TestDatabase in
    let database = try TestDatabase(name: "pgtq_cli_workload", schema: "Fixtures/schemas/workload.sql")
    // pg_stat_user_tables is flushed by the backend that counted: give it a moment to land.
    _ = waitUntil(timeout: 10, interval: 0.1) {
      ((try? database.execute("SELECT seq_tup_read FROM pg_stat_user_tables WHERE relname = 'items'"))?.first?.first ?? nil)
        .flatMap(Int.init) ?? 0 > 0
    }
    return database
  }

  struct Index: Decodable {
    let table: String
    let name: String
    let columns: [String]
    let `where`: String?
    let ddl: String
    let basis: String
    let low_confidence: String?
    let size_bytes: Double
    let saving: Double
    let statements: [String]
    let notes: [String]
  }

  struct LeftOut: Decodable {
    let name: String
    let table: String
    let columns: [String]
    let include: [String]
    let `where`: String?
    let size_bytes: Double
    let saving: Double
    let reason: String
  }

  struct Workload: Decodable {
    let statements: Int
    let basis: String
    let cost_before: Double
    let cost_after: Double
    let size_bytes: Double
    let indexes: [Index]
    let left_out: [LeftOut]
  }

  struct Suggestion: Decodable {
    let name: String
    let table: String
    let columns: [String]
    let basis: String
    let low_confidence: String?
  }

  struct Statement: Decodable { let index_suggestions: [Suggestion] }

  struct Report: Decodable {
    let statements: [Statement]
    let workload: Workload?
  }

  static let statements = [
    "SELECT item_id, qty FROM stocked_items WHERE supp_id = 42",
    """
    SELECT count(*) FROM parts p, items i WHERE (p.part_id = i.part_id AND p.brand = 'b7' AND p.size = 7)
      OR (p.part_id = i.part_id AND p.brand = 'b9' AND p.size = 9)
    """,
    "SELECT item_id FROM items WHERE part_id = 77",
    "SELECT item_id, supp_id FROM items WHERE part_id = 78 AND supp_id = 78",
    "SELECT qty FROM items WHERE item_id = 5 AND qty = 3",
    "SELECT item_id FROM items WHERE return_date IS NULL",
    "SELECT item_id, note FROM items WHERE region = 5 AND zone = 5",
    "SELECT id FROM events WHERE kind = 7",
    "UPDATE items SET supp_id = 1 WHERE item_id = 5",
  ]

  private func analyze(_ sql: [String], flags: [String] = []) throws -> Report {
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", try Self.database.get().dsn, "--format", "json"] + flags + ["-"],
      stdin: Data(sql.joined(separator: ";\n").utf8))
    #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
    return try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
  }

  private func index(_ workload: Workload, on table: String, leading column: String) -> Index? {
    workload.indexes.first { $0.table == table && $0.columns.first == column }
  }

  @Test func planDerivedCandidatesForAViewAndAnOrOfAnds() throws {
    let report = try analyze(Array(Self.statements.prefix(2)))
    // The view's base table, seen only in the plan.
    #expect(report.statements[0].index_suggestions.contains { $0.table == "public.items" && $0.columns.first == "supp_id" })
    // The join key every arm of the OR repeats.
    #expect(report.statements[1].index_suggestions.contains { $0.table == "public.items" && $0.columns == ["part_id"] })
    let workload = try #require(report.workload)
    #expect(index(workload, on: "public.items", leading: "supp_id")?.statements == ["<stdin>:1:1"])
    #expect(index(workload, on: "public.items", leading: "part_id") != nil)
  }

  @Test func oneIndexPerPrefixAndNoneAfterThePrimaryKey() throws {
    let report = try analyze(Array(Self.statements[2...4]))
    let workload = try #require(report.workload)
    let partIndexes = workload.indexes.filter { $0.table == "public.items" && $0.columns.first == "part_id" }
    #expect(partIndexes.count == 1, "\(workload.indexes.map(\.ddl))")
    #expect(Set(partIndexes.first?.statements ?? []) == ["<stdin>:1:1", "<stdin>:2:1"])
    // (item_id, qty) finds the row the primary key finds.
    let all = report.statements.flatMap(\.index_suggestions).map(\.columns) + workload.indexes.map(\.columns)
    #expect(!all.contains { $0.first == "item_id" }, "\(all)")
    // One name per index: the same index suggested for two statements is named once.
    let names = report.statements.flatMap(\.index_suggestions).filter { $0.columns == ["part_id"] }.map(\.name)
    #expect(Set(names).count <= 1, "\(names)")
    #expect(!workload.indexes.contains { $0.name.hasSuffix("_idx2") })
  }

  @Test func aBudgetLeavesOutTheBigIndexAndKeepsTheSmallPartialOne() throws {
    let sql = [Self.statements[5], Self.statements[0]]
    let unlimited = try #require(try analyze(sql).workload)
    let partial = try #require(unlimited.indexes.first { $0.where != nil }, "\(unlimited.indexes.map(\.ddl))")
    #expect(partial.where == "return_date IS NULL")
    #expect(partial.size_bytes < 1_000_000)
    #expect(unlimited.indexes.contains { $0.columns.first == "supp_id" })

    let limited = try #require(try analyze(sql, flags: ["--storage-budget", "1MB"]).workload)
    #expect(limited.indexes.map(\.name) == [partial.name])
    #expect(limited.size_bytes <= 1_048_576)
    #expect(limited.left_out.contains { $0.reason == "storage budget" && $0.size_bytes > 1_048_576 })

    let one = try #require(try analyze(Array(Self.statements[2...7]), flags: ["--max-indexes", "1"]).workload)
    #expect(one.indexes.count == 1)
    #expect(one.left_out.contains { $0.reason == "max indexes" })
    // Nothing is listed as left out that a chosen index serves (a prefix of it).
    for workload in [limited, one] {
      for left in workload.left_out {
        #expect(
          !workload.indexes.contains { $0.table == left.table && $0.where == left.where && $0.columns.starts(with: left.columns) },
          "\(left.name) is left out, yet \(workload.indexes.map(\.name)) serves it")
      }
    }
  }

  /// With one index allowed, `(part_id)` is chosen; of `(part_id, supp_id)` and the same keys with
  /// `INCLUDE (qty)`, both candidates, only the one that saves more per byte is listed as left out.
  @Test func leftOutListsNoIndexTwice() throws {
    let sql = ["SELECT qty FROM items WHERE part_id = 7 ORDER BY supp_id LIMIT 5", "SELECT qty FROM items WHERE part_id = 8"]
    let workload = try #require(try analyze(sql, flags: ["--max-indexes", "1"]).workload)
    #expect(workload.indexes.map(\.columns) == [["part_id"]], "\(workload.indexes.map(\.ddl))")
    let wide = workload.left_out.filter { $0.columns == ["part_id", "supp_id"] }
    #expect(wide.count == 1, "\(workload.left_out.map(\.name))")
    for left in workload.left_out {
      let overlapping = workload.left_out.filter { other in
        other.name != left.name && other.table == left.table && other.where == left.where
          && (other.columns.starts(with: left.columns) || left.columns.starts(with: other.columns))
      }
      #expect(overlapping.isEmpty, "\(left.name) is listed beside \(overlapping.map(\.name))")
    }
  }

  @Test func writeCostAndHotUpdatesAreNoted() throws {
    let workload = try #require(try analyze([Self.statements[7], Self.statements[0], Self.statements[8]]).workload)
    let events = try #require(index(workload, on: "public.events", leading: "kind"))
    #expect(events.notes.contains { $0.contains("write-heavy") && $0.contains("counted at") })
    let supplier = try #require(index(workload, on: "public.items", leading: "supp_id"))
    #expect(supplier.notes.contains { $0.contains("no longer be HOT") && $0.contains("<stdin>:3:1") })
    #expect(!supplier.notes.contains { $0.contains("write-heavy") }, "items is read more than written")
  }

  @Test func lowConfidenceWhenTheEstimateIsFarOff() throws {
    let sql = [Self.statements[6], Self.statements[2]]
    let estimated = try analyze(sql)
    #expect(estimated.workload?.basis == "estimate")
    #expect(estimated.statements.flatMap(\.index_suggestions).allSatisfy { $0.basis == "estimate" && $0.low_confidence == nil })

    let measured = try analyze(sql, flags: ["--analyze"])
    let correlated = try #require(measured.statements[0].index_suggestions.first)
    #expect(correlated.basis == "actual")
    let note = try #require(correlated.low_confidence)
    #expect(note.contains("expected 1 row") && note.contains("found 100"), "\(note)")
    #expect(note.contains("CREATE STATISTICS ON region, zone FROM public.items"), "\(note)")
    #expect(measured.statements[1].index_suggestions.allSatisfy { $0.low_confidence == nil })
    // Ranked after the confident ones.
    let workload = try #require(measured.workload)
    #expect(workload.basis == "actual")
    #expect(workload.indexes.last?.low_confidence != nil, "\(workload.indexes.map(\.name))")
  }

  /// The proof: the chosen set, created for real, lowers the summed cost about as reported.
  @Test func theChosenSetCreatedForRealCostsWhatWasReported() throws {
    let sql = Array(Self.statements.prefix(8))
    let workload = try #require(try analyze(sql).workload)
    #expect(workload.cost_after < workload.cost_before * 0.5)
    let copy = try TestDatabase(name: "pgtq_cli_workload_real", schema: "Fixtures/schemas/workload.sql")
    func summedCost() throws -> Double {
      try sql.reduce(0) { total, statement in
        let text = try copy.execute("EXPLAIN (FORMAT JSON) \(statement)").first?.first ?? nil
        return total + (try #require(try ExplainResult.parseAll(text ?? "").first)).plan.totalCost
      }
    }
    let before = try summedCost()
    #expect(abs(before - workload.cost_before) / workload.cost_before < 0.05, "before: \(before) vs \(workload.cost_before)")
    for index in workload.indexes { try copy.execute(index.ddl.replacingOccurrences(of: " CONCURRENTLY", with: "")) }
    try copy.execute("ANALYZE")
    let after = try summedCost()
    let reported = workload.cost_before - workload.cost_after
    #expect(before - after >= reported * 0.7, "real saving \(before - after), reported \(reported)")
    #expect(after <= workload.cost_after * 1.5 + 50, "real \(after), reported \(workload.cost_after)")
    let size = try copy.execute(
      "SELECT sum(pg_relation_size(indexrelid))::float8 FROM pg_index JOIN pg_class c ON c.oid = indrelid WHERE c.relname IN ('items', 'events', 'parts') AND NOT indisprimary"
    ).first?.first.flatMap { $0 }.flatMap(Double.init) ?? 0
    #expect(abs(size - workload.size_bytes) / workload.size_bytes < 0.25, "real \(size) bytes, hypopg \(workload.size_bytes)")
  }

  @Test func sqlFormatIsTheSetAsAMigration() throws {
    let result = try runPGTuneQuery(
      ["analyze", "--dsn", try Self.database.get().dsn, "--format", "sql", "--storage-budget", "1MB", "-"],
      stdin: Data([Self.statements[5], Self.statements[0]].joined(separator: ";\n").utf8))
    #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
    let creates = result.stdout.split(separator: "\n").filter { $0.hasPrefix("CREATE INDEX CONCURRENTLY") }
    #expect(creates.count == 1 && creates[0].contains("WHERE return_date IS NULL"), "\(result.stdout)")
    #expect(result.stdout.contains("-- Limits: storage budget 1.0 MiB."))
    #expect(result.stdout.contains("-- storage budget: items_supp_id"))
  }

  @Test func badLimitsAreUsageErrors() throws {
    for flags in [["--storage-budget", "lots"], ["--storage-budget", "-5MB"], ["--max-indexes", "0"]] {
      let result = try runPGTuneQuery(["analyze", "--dsn", try Self.database.get().dsn] + flags + ["-"], stdin: Data("SELECT 1".utf8))
      #expect(result.status == 2, "\(flags): \(result.status) \(result.stderr)")
      #expect(result.stderr.contains(flags[0]), "\(result.stderr)")
    }
  }

  @Test func theDatabaseIsUnchanged() throws {
    let database = try Self.database.get()
    let before = try database.checksum()
    _ = try analyze(Self.statements, flags: ["--analyze", "--storage-budget", "5MB"])
    #expect(try database.checksum() == before)
    #expect(try database.execute("SELECT count(*) FROM hypopg_list_indexes").first?.first ?? nil == "0")
  }
}
