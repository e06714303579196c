/// How big a B-tree index will be. hypopg's estimate stores one entry per row; since PostgreSQL
/// 13 a B-tree stores a repeated key once with a posting list of 6-byte row pointers
/// (deduplication), so an index on a column with few distinct values is often a third of that.
/// For plain columns of types that deduplicate (integers, dates, timestamps, text, uuid, boolean)
/// the deduplicated size is estimated from the column statistics, and the smaller figure is kept.
enum IndexSize {
  static let deduplicatingTypes: Set<String> = [
    "integer", "bigint", "smallint", "date", "timestamp without time zone", "timestamp with time zone", "text",
    "character varying", "uuid", "boolean", "oid",
  ]

  static func estimate(_ candidate: IndexCandidate, hypopg: Double, catalog: CatalogFacts) -> Double {
    guard catalog.serverVersion >= 130_000, candidate.include.isEmpty, candidate.predicate == nil,
      let rows = candidate.relation.rows, rows > 0
    else { return hypopg }
    let columns = catalog.columns(of: candidate.relation)
    var distinct = 1.0
    var width = 0.0
    for key in candidate.keys {
      guard !key.isExpression, key.operatorClass == nil,
        let column = columns.first(where: { $0.name == key.text }), deduplicatingTypes.contains(baseType(column.type)),
        let statistics = catalog.statistics(of: candidate.relation, column: key.text)
      else { return hypopg }
      distinct *= statistics.distinct < 0 ? -statistics.distinct * rows : max(1, statistics.distinct)
      width += statistics.averageWidth ?? 8
    }
    distinct = min(distinct, rows)
    // Per distinct key: an 8-byte tuple header with the key, 8-byte aligned, and its 4-byte line
    // pointer; per further row: a 6-byte item pointer in the posting list. Leaf pages are filled
    // to 90 % when built; 1 % more for the inner pages, plus the meta page.
    let keyTuple = ((8 + width + 7) / 8).rounded(.down) * 8 + 4
    let bytes = distinct * keyTuple + (rows - distinct) * 6
    let pages = (bytes / (8_152 * 0.9) * 1.01).rounded(.up) + 1
    return min(hypopg, pages * 8_192)
  }

  /// `character varying(40)` → `character varying`.
  static func baseType(_ type: String) -> String {
    type.firstIndex(of: "(").map { String(type[..<$0]) } ?? type
  }
}
