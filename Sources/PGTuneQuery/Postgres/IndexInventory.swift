/// The indexes a database has, with what `indexes` needs to judge them: key columns with their
/// operator classes, collations and sort options, INCLUDE columns, predicate, size, scans since
/// the statistics reset, and what the index enforces. Catalog reads only.
public struct ExistingIndex: Sendable, Equatable {
  public let schema: String
  public let table: String
  public let name: String
  public let definition: String
  public let method: String
  /// The key part: one entry per key column or expression (`3`, `0:lower(email)`), with its
  /// operator class, collation and options — two indexes are interchangeable when these match.
  public let keys: [String]
  /// INCLUDE columns (attribute numbers).
  public let included: [String]
  public let predicate: String?
  public let isUnique: Bool
  public let isPrimary: Bool
  public let isValid: Bool
  /// A constraint (unique, primary key, exclusion) is backed by it: dropping it drops that.
  public let backsConstraint: Bool
  public let sizeBytes: Int64
  /// Index scans since the statistics were reset (nil: no statistics).
  public let scans: Int64?
  public let oid: Int64

  public var qualifiedName: String { "\(schema).\(name)" }
  public var qualifiedTable: String { "\(schema).\(table)" }
  /// Dropping it would change what the database enforces.
  public var enforcesSomething: Bool { isUnique || isPrimary || backsConstraint }
}

public enum IndexInventory {
  /// Every index of the user's schemas, and when the statistics behind `scans` were reset.
  public static func load(from connection: PostgresConnection) throws(PostgresError) -> (indexes: [ExistingIndex], statsReset: String?) {
    let rows = try connection.query(
      """
      SELECT n.nspname, t.relname, i.relname, pg_get_indexdef(i.oid), am.amname,
             x.indnkeyatts, x.indkey::text, x.indclass::text, x.indcollation::text, x.indoption::text,
             array_to_string(ARRAY(SELECT pg_get_indexdef(i.oid, k, true)
                                   FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k), E'\\x1f'),
             pg_get_expr(x.indpred, x.indrelid), x.indisunique, x.indisprimary, x.indisvalid,
             EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = i.oid),
             pg_catalog.pg_relation_size(i.oid), s.idx_scan, i.oid::bigint
      FROM pg_catalog.pg_index x
      JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
      JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_catalog.pg_am am ON am.oid = i.relam
      LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = i.oid
      WHERE \(CatalogFacts.userSchemas)
      ORDER BY 1, 2, 3
      """)
    let indexes = rows.compactMap { row -> ExistingIndex? in
      guard row.count == 19, let schema = row[0], let table = row[1], let name = row[2] else { return nil }
      func words(_ index: Int) -> [String] { (row[index] ?? "").split(separator: " ").map(String.init) }
      let keyCount = row[5].flatMap(Int.init) ?? 0
      let attributes = words(6)
      let (classes, collations, options) = (words(7), words(8), words(9))
      let expressions = (row[10] ?? "").split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
      let keys = (0..<keyCount).map { position -> String in
        func at(_ list: [String]) -> String { position < list.count ? list[position] : "" }
        // An expression key has attribute 0: its text tells two expressions apart.
        let key = at(attributes) == "0" ? "0:" + (position < expressions.count ? expressions[position] : "") : at(attributes)
        return [key, at(classes), at(collations), at(options)].joined(separator: "/")
      }
      return ExistingIndex(
        schema: schema, table: table, name: name, definition: row[3] ?? "", method: row[4] ?? "",
        keys: keys, included: Array(attributes.dropFirst(keyCount)), predicate: row[11],
        isUnique: row[12] == "t", isPrimary: row[13] == "t", isValid: row[14] == "t", backsConstraint: row[15] == "t",
        sizeBytes: row[16].flatMap(Int64.init) ?? 0, scans: row[17].flatMap(Int64.init), oid: row[18].flatMap(Int64.init) ?? 0)
    }
    let reset = try connection.query(
      "SELECT stats_reset::text FROM pg_catalog.pg_stat_database WHERE datname = current_database()")
    return (indexes, reset.first?.first ?? nil)
  }
}
