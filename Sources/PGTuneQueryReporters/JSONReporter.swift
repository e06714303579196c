import PGTuneQuery

/// `--format json`: the versioned machine-readable contract.
///
/// ```
/// {"schema_version":1,
///  "statements":[{"file","line","column","fingerprint","sql",
///                 "error":null|{"message","line","column"},
///                 "findings":[{"rule","severity","message","line","column","help"}],
///                 "plan":null|{"total_cost","startup_cost","plan_rows","actual_total_time"|null,
///                              "analyzed","indexes_used","relations","node_types","tree"},
///                 "index_suggestions":[],"rewrites":[]}],
///  "summary":{"statements","errors","findings"[,"pool":{…}]}}
/// ```
/// Lines and columns are 1-based; columns count characters. New keys may be added within a
/// schema version; none is renamed or removed without a new version.
public enum JSONReporter {
  public static let schemaVersion = 1

  public static func render(
    _ files: [FileAnalysis], pool: PoolStatistics? = nil, check: CheckSummary? = nil, pretty: Bool = false
  ) -> String {
    var json = JSONWriter(indent: pretty ? 2 : 0)
    json.beginObject()
    json.key("schema_version")
    json.value(schemaVersion)
    json.key("statements")
    json.beginArray()
    for file in files {
      for statement in file.statements { write(statement, of: file, to: &json) }
    }
    json.endArray()
    let summary = AnalysisSummary(files)
    json.key("summary")
    json.beginObject()
    json.key("statements")
    json.value(summary.statements)
    json.key("errors")
    json.value(summary.errors)
    json.key("findings")
    json.value(summary.findings)
    if let pool {
      json.key("pool")
      writePool(pool, to: &json)
    }
    json.endObject()
    if let check {
      json.key("check")
      json.beginObject()
      for (key, value) in [
        ("checked", check.checked), ("regressions", check.regressions), ("improvements", check.improvements),
        ("new", check.new),
      ] {
        json.key(key)
        json.value(value)
      }
      json.key("gone")
      json.beginArray()
      for entry in check.gone {
        json.beginObject()
        json.key("name")
        json.value(entry.name)
        json.key("fingerprint")
        json.value(entry.fingerprint)
        json.key("file")
        json.value(entry.file)
        json.endObject()
      }
      json.endArray()
      json.endObject()
    }
    json.endObject()
    return json.string + "\n"
  }

  private static func write(_ statement: StatementAnalysis, of file: FileAnalysis, to json: inout JSONWriter) {
    let position = file.text.position(ofByte: statement.start)
    json.beginObject()
    json.key("file")
    json.value(file.source.name)
    json.key("line")
    json.value(position.line)
    json.key("column")
    json.value(position.column)
    json.key("fingerprint")
    json.value(statement.fingerprint)
    json.key("sql")
    json.value(utf8: file.sqlBytes(of: statement))
    json.key("error")
    if let error = statement.error {
      let errorPosition = file.text.position(ofByte: error.byteOffset ?? statement.start)
      json.beginObject()
      json.key("message")
      json.value(error.message)
      json.key("line")
      json.value(errorPosition.line)
      json.key("column")
      json.value(errorPosition.column)
      json.endObject()
    } else {
      json.null()
    }
    json.key("findings")
    json.beginArray()
    for finding in statement.findings {
      let findingPosition = file.text.position(ofByte: finding.offset)
      json.beginObject()
      json.key("rule")
      json.value(finding.rule)
      json.key("severity")
      json.value(finding.severity.rawValue)
      json.key("message")
      json.value(finding.message)
      json.key("line")
      json.value(findingPosition.line)
      json.key("column")
      json.value(findingPosition.column)
      json.key("help")
      json.value(finding.help)
      json.endObject()
    }
    json.endArray()
    json.key("plan")
    if let plan = statement.plan {
      writePlan(plan, analyzed: statement.planAnalyzed, to: &json)
    } else {
      json.null()
    }
    json.key("index_suggestions")
    json.beginArray()
    for suggestion in statement.indexSuggestions { writeSuggestion(suggestion, to: &json) }
    json.endArray()
    json.key("rewrites")
    json.beginArray()
    for rewrite in statement.rewrites {
      json.beginObject()
      json.key("rule")
      json.value(rewrite.rule)
      json.key("sql")
      json.value(rewrite.sql)
      json.key("caveat")
      json.value(rewrite.caveat)
      json.key("cost_before")
      if let cost = rewrite.costBefore { json.value(cost) } else { json.null() }
      json.key("cost_after")
      if let cost = rewrite.costAfter { json.value(cost) } else { json.null() }
      json.endObject()
    }
    json.endArray()
    json.endObject()
  }
}

extension JSONReporter {
  static func writePlan(_ plan: ExplainResult, analyzed: Bool, to json: inout JSONWriter) {
    let summary = PlanSummary(plan)
    json.beginObject()
    json.key("total_cost")
    json.value(summary.totalCost)
    json.key("startup_cost")
    json.value(summary.startupCost)
    json.key("plan_rows")
    json.value(summary.planRows)
    json.key("actual_total_time")
    if let time = summary.actualTotalTime { json.value(time) } else { json.null() }
    json.key("analyzed")
    json.value(analyzed)
    for (key, values) in [
      ("indexes_used", summary.indexesUsed), ("relations", summary.relations), ("node_types", summary.nodeTypes),
    ] {
      json.key(key)
      json.beginArray()
      for value in values { json.value(value) }
      json.endArray()
    }
    json.key("tree")
    json.raw(plan.planJSON)
    json.endObject()
  }

  /// `{"table","columns","expressions_and_opclasses","include","where","ddl","cost_before",
  /// "cost_after","savings_pct","verified","note"}`; `columns` holds each key as written in the
  /// index (`lower(email)`), `table` is `schema.table` without quotes.
  static func writeSuggestion(_ suggestion: IndexSuggestion, to json: inout JSONWriter) {
    let candidate = suggestion.candidate
    json.beginObject()
    json.key("table")
    json.value(candidate.tableName)
    json.key("name")
    json.value(suggestion.name)
    json.key("columns")
    json.beginArray()
    for key in candidate.keys { json.value(key.text) }
    json.endArray()
    json.key("expressions_and_opclasses")
    json.beginArray()
    for key in candidate.keys {
      json.beginObject()
      json.key("key")
      json.value(key.text)
      json.key("expression")
      json.value(key.isExpression)
      json.key("opclass")
      json.value(key.operatorClass)
      json.key("descending")
      json.value(key.descending)
      json.endObject()
    }
    json.endArray()
    json.key("include")
    json.beginArray()
    for column in candidate.include { json.value(column) }
    json.endArray()
    json.key("where")
    json.value(candidate.predicate)
    json.key("ddl")
    json.value(suggestion.ddl)
    json.key("cost_before")
    json.value(suggestion.costBefore)
    json.key("cost_after")
    if let after = suggestion.costAfter { json.value(after) } else { json.null() }
    json.key("savings_pct")
    if let percent = suggestion.savingsPercent { json.value(percent) } else { json.null() }
    json.key("verified")
    json.value(suggestion.verified)
    json.key("note")
    json.value(suggestion.note)
    json.endObject()
  }

  static func writePool(_ pool: PoolStatistics, to json: inout JSONWriter) {
    json.beginObject()
    json.key("connections_opened")
    json.value(pool.connectionsOpened)
    json.key("queries")
    json.value(pool.queries)
    json.key("errors")
    json.value(pool.errors)
    json.key("reconnects")
    json.value(pool.reconnects)
    json.key("mean_latency_ms")
    json.value((pool.meanLatency * 1000).rounded() / 1000)
    json.key("max_latency_ms")
    json.value((pool.maxLatency * 1000).rounded() / 1000)
    json.endObject()
  }
}
