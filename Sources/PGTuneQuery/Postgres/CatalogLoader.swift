/// Reading the facts from a server: the only part of the catalog that talks to PostgreSQL.
extension CatalogFacts {
  static let userSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"

  /// Reads the facts. A handful of queries, all read-only catalog reads.
  public static func load(from connection: PostgresConnection) throws(PostgresError) -> CatalogFacts {
    let settings = try connection.query(
      """
      SELECT current_setting('server_version_num'), array_to_string(current_schemas(false), ','),
             EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg'),
             EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg')
      """)
    let first = settings.first ?? []
    func text(_ index: Int) -> String { (index < first.count ? first[index] : nil) ?? "" }
    let relationRows = try connection.query(
      """
      SELECT n.nspname, c.relname, c.oid::bigint, c.reltuples::float8, c.relpages, c.relkind::text,
             greatest(s.last_analyze, s.last_autoanalyze)::text,
             s.n_tup_ins::float8, s.n_tup_upd::float8, s.n_tup_hot_upd::float8, s.n_tup_del::float8,
             s.seq_scan::float8, s.idx_scan::float8, (coalesce(s.seq_tup_read, 0) + coalesce(s.idx_tup_fetch, 0))::float8,
             (SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database())
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
      WHERE c.relkind IN ('r', 'p', 'm', 'v') AND \(userSchemas)
      """)
    var relations: [String: Relation] = [:]
    var activity: [String: TableActivity] = [:]
    for row in relationRows {
      guard row.count == 15, let schema = row[0], let name = row[1] else { continue }
      if row[7] != nil {
        var counted = TableActivity()
        func number(_ index: Int) -> Double { row[index].flatMap(Double.init) ?? 0 }
        (counted.inserted, counted.updated, counted.hotUpdated) = (number(7), number(8), number(9))
        (counted.deleted, counted.sequentialScans, counted.indexScans) = (number(10), number(11), number(12))
        counted.rowsRead = number(13)
        counted.since = row[14]
        activity["\(schema).\(name)"] = counted
      }
      let rows = row[3].flatMap(Double.init)
      relations["\(schema).\(name)"] = Relation(
        schema: schema, name: name, oid: row[2].flatMap(Int.init) ?? 0,
        rows: rows.flatMap { $0 < 0 ? nil : $0 }, pages: row[4].flatMap(Int.init) ?? 0, kind: row[5] ?? "r",
        lastAnalyzed: row[6])
    }
    let indexRows = try connection.query(
      """
      SELECT n.nspname, t.relname, i.relname, pg_get_indexdef(i.oid), x.indisunique, x.indisprimary,
             pg_get_expr(x.indpred, x.indrelid),
             array_to_string(ARRAY(SELECT pg_get_indexdef(i.oid, k, true)
                                   FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k), E'\\x1f')
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE \(userSchemas)
      ORDER BY 1, 2, 3
      """)
    var indexes: [String: [Index]] = [:]
    for row in indexRows {
      guard row.count == 8, let schema = row[0], let table = row[1], let name = row[2] else { continue }
      indexes["\(schema).\(table)", default: []].append(
        Index(
          schema: schema, table: table, name: name, definition: row[3] ?? "", keys: (row[7] ?? "").split(separator: "\u{1F}").map(String.init),
          isUnique: row[4] == "t", isPrimary: row[5] == "t", predicate: row[6]))
    }
    let statisticsRows = try connection.query(
      """
      SELECT schemaname, tablename, attname, null_frac::float8, n_distinct::float8, correlation::float8,
             CASE WHEN n_distinct BETWEEN 1 AND 100 THEN most_common_vals::text END,
             CASE WHEN n_distinct BETWEEN 1 AND 100 THEN most_common_freqs::text END, avg_width::float8
      FROM pg_stats WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
      """)
    var statistics: [String: ColumnStatistics] = [:]
    for row in statisticsRows {
      guard row.count == 9, let schema = row[0], let table = row[1], let column = row[2] else { continue }
      let values = row[6].map(PostgresArray.elements) ?? []
      let frequencies = (row[7].map(PostgresArray.elements) ?? []).compactMap(Double.init)
      statistics["\(schema).\(table).\(column)"] = ColumnStatistics(
        nullFraction: row[3].flatMap(Double.init) ?? 0, distinct: row[4].flatMap(Double.init) ?? 0,
        correlation: row[5].flatMap(Double.init),
        mostCommon: values.count == frequencies.count
          ? Dictionary(zip(values, frequencies), uniquingKeysWith: { first, _ in first }) : [:])
      statistics["\(schema).\(table).\(column)"]?.averageWidth = row[8].flatMap(Double.init)
    }
    let columnRows = try connection.query(
      """
      SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm', 'v') AND \(userSchemas)
      ORDER BY n.nspname, c.relname, a.attnum
      """)
    var columns: [String: [Column]] = [:]
    for row in columnRows {
      guard row.count == 5, let schema = row[0], let table = row[1], let name = row[2] else { continue }
      columns["\(schema).\(table)", default: []].append(Column(name: name, type: row[3] ?? "", notNull: row[4] == "t"))
    }
    let collation = try connection.query("SELECT datcollate FROM pg_database WHERE datname = current_database()")
    var facts = CatalogFacts(
      serverVersion: Int(text(0)) ?? 0, searchPath: text(1).split(separator: ",").map(String.init),
      hypopgInstalled: text(2) == "t", hypopgAvailable: text(3) == "t", relations: Array(relations.values),
      indexes: indexes.values.flatMap { $0 }, statistics: statistics, columns: columns,
      collation: collation.first?.first.flatMap { $0 } ?? "C")
    facts.activity = activity
    return facts
  }
}

/// Reads PostgreSQL's text form of a one-dimensional array: `{a,"b c","d\\"e"}`.
enum PostgresArray {
  static func elements(_ text: String) -> [String] {
    guard text.hasPrefix("{"), text.hasSuffix("}") else { return [] }
    var elements: [String] = []
    var current = ""
    var quoted = false
    var escaped = false
    var wasQuoted = false
    for character in text.dropFirst().dropLast() {
      if escaped {
        current.append(character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == "\"" {
        quoted.toggle()
        wasQuoted = true
      } else if character == "," && !quoted {
        elements.append(current)
        current = ""
        wasQuoted = false
      } else {
        current.append(character)
      }
    }
    if !current.isEmpty || wasQuoted { elements.append(current) }
    return elements
  }
}
