/// Which logged queries `warm` analyzes, and the script it sends.
public enum WarmPlan {
  /// Parsed queries (not truncated text) by calls × mean time, the costliest first; a sample
  /// that holds several statements (`SELECT 1; SELECT 2` sent at once) is left out, and so is a
  /// query that reads only the system catalogs (the tool's own catalog reads, psql's `\d`,
  /// monitoring agents): their plans say nothing about the application's workload.
  public static func choose(from report: LogReport, top: Int) -> [QueryAggregate] {
    Array(
      report.queries.values.filter { $0.parsed && !($0.samples.first?.text.isEmpty ?? true) }
        .sorted { ($0.totalMilliseconds, $0.fingerprint) > ($1.totalMilliseconds, $1.fingerprint) }
        .lazy.filter { query in
          let statements = StatementParser.parse(sql: query.samples[0].text)
          guard statements.count == 1 else { return false }
          return !(statements[0].root.map(readsOnlyCatalogs) ?? false)
        }
        .prefix(top))
  }

  /// Every table named is a catalog: schema `pg_catalog`/`information_schema`, or an unqualified
  /// `pg_…` name (PostgreSQL reserves that prefix for system tables and views).
  static func readsOnlyCatalogs(_ root: Node) -> Bool {
    let tables = TableNames(in: root).tables
    return !tables.isEmpty
      && tables.allSatisfy { schema, name in
        schema == "pg_catalog" || schema == "information_schema" || (schema == nil && name.hasPrefix("pg_"))
      }
  }

  /// One statement per query: its slowest sample as logged, each on its own lines.
  public static func script(_ queries: [QueryAggregate]) -> String {
    queries.map { query in
      var text = query.samples[0].text
      while let last = text.last, last == ";" || last.isWhitespace { text.removeLast() }
      return text + ";\n"
    }.joined(separator: "\n")
  }
}
