import Foundation
@testable import PGTuneQuery
import PGTuneQueryReporters
import Testing

/// `indexes`' verdicts from canned catalog rows (no database): what is judged and how it prints.
@Suite struct IndexHealthReporterTests {
  static func index(
    _ name: String, keys: [String], unique: Bool = false, primary: Bool = false, valid: Bool = true, scans: Int64? = 5,
    predicate: String? = nil, method: String = "btree", oid: Int64, size: Int64 = 8192
  ) -> ExistingIndex {
    ExistingIndex(
      schema: "public", table: "t", name: name, definition: "CREATE INDEX \(name) ON public.t (…)", method: method, keys: keys,
      included: [], predicate: predicate, isUnique: unique, isPrimary: primary, isValid: valid, backsConstraint: primary,
      sizeBytes: size, scans: scans, oid: oid)
  }

  static let indexes = [
    index("t_pkey", keys: ["1/a/0/0"], unique: true, primary: true, scans: 0, oid: 1),
    index("t_id_copy", keys: ["1/a/0/0"], oid: 2),
    index("t_a", keys: ["2/a/0/0"], oid: 3, size: 16384),
    index("t_a_b", keys: ["2/a/0/0", "3/a/0/0"], oid: 4),
    index("t_a_partial", keys: ["2/a/0/0"], predicate: "(c > 0)", oid: 5),
    index("t_hash", keys: ["2/h/0/0"], method: "hash", oid: 6),
    index("t_unused", keys: ["7/a/0/0"], scans: 0, oid: 7),
    index("t_broken", keys: ["8/a/0/0"], valid: false, scans: 0, oid: 8),
    index("t_unique_unused", keys: ["9/a/0/0"], unique: true, scans: 0, oid: 9),
  ]

  @Test func verdicts() {
    let verdicts = IndexHealth.review(Self.indexes, statsReset: "2026-11-01 00:00:00+00")
    #expect(verdicts.map { "\($0.kind.rawValue) \($0.index.name) \($0.coveredBy ?? "-")" } == [
      "invalid t_broken -",
      "duplicate t_id_copy public.t_pkey",
      "redundant t_a public.t_a_b",
      "unused t_unused -",
    ])
    #expect(verdicts.last?.note.contains("2026-11-01") == true)
  }

  @Test func formats() throws {
    var outcome = IndexesOutcome()
    outcome.checked = Self.indexes.count
    outcome.verdicts = IndexHealth.review(Self.indexes, statsReset: nil)
    let text = IndexHealthReporter.renderText(outcome)
    #expect(text.hasPrefix("VERDICT    INDEX") && text.contains("4 of 9 indexes to look at"), "\(text)")
    let json = try JSONValue.parse(IndexHealthReporter.renderJSON(outcome))
    #expect(json["indexes"]?.array?.count == 4 && json["checked"]?.number == 9)
    let sql = IndexHealthReporter.renderSQL(outcome)
    #expect(sql.components(separatedBy: "DROP INDEX CONCURRENTLY IF EXISTS").count == 5)
    #expect(!sql.contains("t_pkey\""))
    #expect(IndexHealthReporter.renderText(IndexesOutcome()).contains("none is invalid"))
  }
}
