/// What the database knows about its tables, read once per run with a handful of catalog
/// queries: sizes, indexes, column statistics, the server version and whether hypopg is there.
public struct CatalogFacts: Sendable {
  public struct Relation: Sendable, Equatable {
    public init(schema: String, name: String, oid: Int = 0, rows: Double?, pages: Int = 0, kind: String = "r", lastAnalyzed: String? = nil) {
      self.schema = schema
      self.name = name
      self.oid = oid
      self.rows = rows
      self.pages = pages
      self.kind = kind
      self.lastAnalyzed = lastAnalyzed
    }

    public let schema: String
    public let name: String
    public let oid: Int
    /// `pg_class.reltuples`; nil when the table was never analyzed.
    public let rows: Double?
    public let pages: Int
    /// `r` table, `p` partitioned table, `m` materialized view.
    public let kind: String
    public let lastAnalyzed: String?
  }

  public struct Index: Sendable, Equatable {
    public init(
      schema: String, table: String, name: String, definition: String, keys: [String], isUnique: Bool, isPrimary: Bool,
      predicate: String?
    ) {
      self.schema = schema
      self.table = table
      self.name = name
      self.definition = definition
      self.keys = keys
      self.isUnique = isUnique
      self.isPrimary = isPrimary
      self.predicate = predicate
    }

    public let schema: String
    public let table: String
    public let name: String
    public let definition: String
    /// Key columns in order; expressions appear as written by pg_get_indexdef.
    public let keys: [String]
    public let isUnique: Bool
    public let isPrimary: Bool
    public let predicate: String?
  }

  public struct Column: Sendable, Equatable {
    public let name: String
    public let type: String
    public let notNull: Bool

    public init(name: String, type: String, notNull: Bool) {
      self.name = name
      self.type = type
      self.notNull = notNull
    }
  }

  public struct ColumnStatistics: Sendable, Equatable {
    public let nullFraction: Double
    /// As in pg_stats: positive is a count, negative a fraction of the rows.
    public let distinct: Double
    public let correlation: Double?
    /// Most common values (as text) and their frequencies, for columns with few distinct values.
    public var mostCommon: [String: Double] = [:]

    public init(nullFraction: Double, distinct: Double, correlation: Double?, mostCommon: [String: Double] = [:]) {
      self.nullFraction = nullFraction
      self.distinct = distinct
      self.correlation = correlation
      self.mostCommon = mostCommon
    }
  }

  public let serverVersion: Int
  public let searchPath: [String]
  public let hypopgInstalled: Bool
  public let hypopgAvailable: Bool
  public let relations: [String: Relation]
  public let indexes: [String: [Index]]
  public let statistics: [String: ColumnStatistics]
  /// Columns of each relation (`schema.table`), in table order.
  public let columns: [String: [Column]]
  /// The database's default collation (`C` and `POSIX` need no text_pattern_ops for LIKE).
  public let collation: String

  public init(
    serverVersion: Int, searchPath: [String], hypopgInstalled: Bool, hypopgAvailable: Bool,
    relations: [Relation], indexes: [Index] = [], statistics: [String: ColumnStatistics] = [:],
    columns: [String: [Column]] = [:], collation: String = "C"
  ) {
    self.columns = columns
    self.collation = collation
    self.serverVersion = serverVersion
    self.searchPath = searchPath
    self.hypopgInstalled = hypopgInstalled
    self.hypopgAvailable = hypopgAvailable
    self.relations = Dictionary(relations.map { ("\($0.schema).\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
    self.indexes = Dictionary(grouping: indexes) { "\($0.schema).\($0.table)" }
    self.statistics = statistics
  }

  /// A relation by name; an unqualified name is looked up along the search path.
  public func relation(schema: String?, name: String) -> Relation? {
    if let schema { return relations["\(schema).\(name)"] }
    for candidate in searchPath {
      if let found = relations["\(candidate).\(name)"] { return found }
    }
    return nil
  }

  /// Columns of a relation, in table order.
  public func columns(of relation: Relation) -> [Column] { columns["\(relation.schema).\(relation.name)"] ?? [] }

  /// Indexes of a relation (`schema.table`).
  public func indexes(on relation: Relation) -> [Index] { indexes["\(relation.schema).\(relation.name)"] ?? [] }

  /// Column statistics (`schema.table.column`).
  public func statistics(of relation: Relation, column: String) -> ColumnStatistics? {
    statistics["\(relation.schema).\(relation.name).\(column)"]
  }

  static let userSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"

  /// Reads the facts. Four queries, all read-only catalog reads.
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
             greatest(s.last_analyze, s.last_autoanalyze)::text
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
      WHERE c.relkind IN ('r', 'p', 'm', 'v') AND \(userSchemas)
      """)
    var relations: [String: Relation] = [:]
    for row in relationRows {
      guard row.count == 7, let schema = row[0], let name = row[1] else { continue }
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
             CASE WHEN n_distinct BETWEEN 1 AND 100 THEN most_common_freqs::text END
      FROM pg_stats WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
      """)
    var statistics: [String: ColumnStatistics] = [:]
    for row in statisticsRows {
      guard row.count == 8, let schema = row[0], let table = row[1], let column = row[2] else { continue }
      let values = row[6].map(PostgresArray.elements) ?? []
      let frequencies = (row[7].map(PostgresArray.elements) ?? []).compactMap(Double.init)
      statistics["\(schema).\(table).\(column)"] = ColumnStatistics(
        nullFraction: row[3].flatMap(Double.init) ?? 0, distinct: row[4].flatMap(Double.init) ?? 0,
        correlation: row[5].flatMap(Double.init),
        mostCommon: values.count == frequencies.count
          ? Dictionary(zip(values, frequencies), uniquingKeysWith: { first, _ in first }) : [:])
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
    return CatalogFacts(
      serverVersion: Int(text(0)) ?? 0, searchPath: text(1).split(separator: ",").map(String.init),
      hypopgInstalled: text(2) == "t", hypopgAvailable: text(3) == "t", relations: Array(relations.values),
      indexes: indexes.values.flatMap { $0 }, statistics: statistics, columns: columns,
      collation: collation.first?.first.flatMap { $0 } ?? "C")
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
