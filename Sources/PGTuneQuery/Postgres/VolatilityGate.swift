import Foundation

/// Decides whether `--analyze` may really run a statement. EXPLAIN ANALYZE executes it, and a
/// rollback undoes only what is transactional: a sequence advanced by `nextval` (an INSERT's serial
/// default), `setval`, `pg_stat_reset()`, `pg_reload_conf()`, `lo_export(…)`, `dblink(…)` or a
/// trigger's side effects survive it. So before running, the statement is EXPLAINed without
/// ANALYZE and every function its plan calls is looked up: it runs only when none is volatile
/// (or each volatile one is on a short list of harmless ones), it writes no foreign table, and the
/// tables it writes have no user trigger. Otherwise the plain plan is kept and the finding names
/// the function.
///
/// The plan is where to look, not the SQL text: it shows the functions of views, column defaults
/// (`nextval('t_id_seq'::regclass)` in an INSERT's output) and inlined SQL functions. What no plan
/// shows — a STABLE function that calls a volatile one — is a limit documented in SECURITY.md.
enum VolatilityGate {
  /// Volatile functions whose effects end with the statement (time, randomness, waiting).
  static let harmless: Set<String> = [
    "random", "clock_timestamp", "timeofday", "gen_random_uuid", "uuid_generate_v4", "pg_sleep", "pg_sleep_for",
    "pg_sleep_until",
  ]

  /// Why the statement must not run, or nil when it may.
  static func reason(toSkip plan: ExplainResult, on connection: PostgresConnection) throws(PostgresError) -> String? {
    // Every expression EXPLAIN VERBOSE prints (Output, Filter, conditions, keys, function scans)
    // is a string of the plan's JSON: reading them all there misses no field.
    let names = functionNames(in: plan.planJSON)
    let entries = PlanWalker.entries(of: plan.plan)
    let written = entries.compactMap { entry -> (schema: String, table: String)? in
      guard entry.node.nodeType == "ModifyTable", let table = entry.node.relationName else { return nil }
      return (entry.node.schema ?? "public", table)
    }
    if !written.isEmpty, entries.contains(where: { $0.node.nodeType == "Foreign Scan" }) {
      return "it writes through a foreign table, whose remote changes a rollback here may not undo"
    }
    if !names.isEmpty {
      let rows = try connection.query(
        "SELECT DISTINCT proname FROM pg_catalog.pg_proc WHERE proname = ANY($1::text[]) AND provolatile = 'v' ORDER BY 1",
        parameters: [PostgresArrayLiteral.text(names.sorted())])
      let volatile = rows.compactMap { $0.first ?? nil }.filter { !harmless.contains($0) }
      if let first = volatile.first {
        let more = volatile.count > 1 ? " (and \(volatile.dropFirst().joined(separator: ", ")))" : ""
        return "it calls \(first)()\(more), a volatile function whose effects a rollback may not undo"
      }
    }
    for (schema, table) in written {
      let triggers = try connection.query(
        """
        SELECT t.tgname FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND n.nspname = $1 AND c.relname = $2 ORDER BY 1
        """, parameters: [schema, table])
      if let trigger = triggers.first?.first ?? nil {
        return "trigger \(trigger) on \(schema).\(table) would run, and what it does outside the table cannot be checked"
      }
    }
    return nil
  }

  /// `name(` occurrences in an expression as EXPLAIN VERBOSE prints it (`public.f(x)`,
  /// `nextval('s'::regclass)`), by their last name part. Quoted names are unquoted.
  static func functionNames(in text: String) -> Set<String> {
    var names = Set<String>()
    let bytes = Array(text.utf8)
    var index = 0
    var inString = false
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "'") {
        inString.toggle()
      } else if !inString, byte == UInt8(ascii: "(") {
        var start = index
        while start > 0, isNameByte(bytes[start - 1]) { start -= 1 }
        if start < index {
          names.insert(String(decoding: bytes[start..<index], as: UTF8.self).lowercased())
        } else if start > 0, bytes[start - 1] == UInt8(ascii: "\"") {
          // "Mixed Case"(…)
          var quoteStart = start - 2
          while quoteStart >= 0, bytes[quoteStart] != UInt8(ascii: "\"") { quoteStart -= 1 }
          if quoteStart >= 0 { names.insert(String(decoding: bytes[(quoteStart + 1)..<(start - 1)], as: UTF8.self)) }
        }
      }
      index += 1
    }
    return names
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
      || byte >= 0x80
  }
}

/// A PostgreSQL array literal of text values, sent as one parameter (`{"a","b"}`).
enum PostgresArrayLiteral {
  static func text(_ values: [String]) -> String {
    "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
      .joined(separator: ",") + "}"
  }
}
