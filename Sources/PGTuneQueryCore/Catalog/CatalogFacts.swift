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
    /// `pg_stats.avg_width`: bytes of a value on average.
    public var averageWidth: Double?

    public init(nullFraction: Double, distinct: Double, correlation: Double?, mostCommon: [String: Double] = [:]) {
      self.nullFraction = nullFraction
      self.distinct = distinct
      self.correlation = correlation
      self.mostCommon = mostCommon
    }
  }

  /// What `pg_stat_user_tables` counted since the statistics were last reset: how much a table
  /// is written against how often it is read, for the index advisor's write cost.
  public struct TableActivity: Sendable, Equatable {
    public var inserted: Double = 0
    public var updated: Double = 0
    /// Updates that were HOT (no index entry touched); an index on an updated column stops them.
    public var hotUpdated: Double = 0
    public var deleted: Double = 0
    public var sequentialScans: Double = 0
    public var indexScans: Double = 0
    /// Rows the scans returned (`seq_tup_read + idx_tup_fetch`).
    public var rowsRead: Double = 0
    /// `pg_stat_database.stats_reset` (text), nil when never reset.
    public var since: String?

    public init() {}

    public var written: Double { inserted + updated + deleted }
    public var scans: Double { sequentialScans + indexScans }
    /// Rows written as a share of rows written and read, 0…1. Nil until the table has been
    /// scanned 100 times since the statistics were reset: a table just loaded (or a reset) has
    /// written rows and no reads yet, which says nothing about its workload.
    public var writeShare: Double? {
      let total = written + rowsRead
      return total > 0 && scans >= 100 ? written / total : nil
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
  /// Write and scan counts per table (`schema.table`); not part of any cache signature.
  public var activity: [String: TableActivity] = [:]

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

  public func activity(of relation: Relation) -> TableActivity? { activity["\(relation.schema).\(relation.name)"] }

  /// Column statistics (`schema.table.column`).
  public func statistics(of relation: Relation, column: String) -> ColumnStatistics? {
    statistics["\(relation.schema).\(relation.name).\(column)"]
  }
}
