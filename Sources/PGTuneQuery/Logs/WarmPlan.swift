/// Which logged queries `warm` analyzes, and the SQL it analyzes for each.
public enum WarmPlan {
  /// Parsed queries (not truncated text) by calls × mean time, the costliest first; a sample
  /// that holds several statements (`SELECT 1; SELECT 2` sent at once) is left out.
  public static func choose(from report: LogReport, top: Int) -> [QueryAggregate] {
    Array(
      report.queries.values.filter { $0.parsed && !($0.samples.first?.text.isEmpty ?? true) }
        .sorted { ($0.totalMilliseconds, $0.fingerprint) > ($1.totalMilliseconds, $1.fingerprint) }
        .lazy.filter { StatementParser.parse(sql: $0.samples[0].text).count == 1 }
        .prefix(top))
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
