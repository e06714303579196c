import PGTuneQuery
import PGTuneQueryCore

/// `--format json`: the versioned machine-readable contract.
///
/// ```
/// {"schema_version":1,
///  "statements":[{"file","line","column","fingerprint","sql",
///                 "error":null|{"message","line","column"},
///                 "findings":[{"rule","severity","message","line","column","help","confirmed_by_plan"}],
///                 "plan":null|{"total_cost","startup_cost","plan_rows","actual_total_time"|null,
///                              "analyzed","indexes_used","relations","node_types","tree"},
///                 "index_suggestions":[],"rewrites":[][,"cache":"hit"|"miss"]}],
///  "summary":{"statements","errors","findings"[,"pool":{…}][,"cache":{"hits","misses"}]}
///  [,"workload":{…}][,"check":{…}]}
/// ```
/// Lines and columns are 1-based; columns count characters. New keys may be added within a
/// schema version; none is renamed or removed without a new version.
public enum JSONReporter {
  public static let schemaVersion = 1

  public static func render(
    _ files: [FileAnalysis], pool: PoolStatistics? = nil, check: CheckSummary? = nil, cache: CacheTotals? = nil,
    workload: WorkloadAdvice? = nil, pretty: Bool = false, threads: Int = ProcessInfoCores.count
  ) -> String {
    segments(files, pool: pool, check: check, cache: cache, workload: workload, pretty: pretty, threads: threads).joined()
  }

  /// The same document in the pieces it is made of, to be written one after another.
  public static func segments(
    _ files: [FileAnalysis], pool: PoolStatistics? = nil, check: CheckSummary? = nil, cache: CacheTotals? = nil,
    workload: WorkloadAdvice? = nil, pretty: Bool = false, threads: Int = ProcessInfoCores.count
  ) -> [String] {
    var json = JSONWriter(indent: pretty ? 2 : 0)
    json.beginObject()
    json.field("schema_version", schemaVersion)
    json.key("statements")
    json.beginArray()
    json.appendElements(of: statementParts(files, indent: pretty ? 2 : 0, threads: threads))
    json.endArray()
    let summary = AnalysisSummary(files)
    json.key("summary")
    json.beginObject()
    json.field("statements", summary.statements)
    json.field("errors", summary.errors)
    json.field("findings", summary.findings)
    if let pool {
      json.key("pool")
      writePool(pool, to: &json)
    }
    if let cache {
      json.key("cache")
      json.beginObject()
      json.field("hits", cache.hits)
      json.field("misses", cache.misses)
      json.endObject()
    }
    json.endObject()
    if let workload {
      json.key("workload")
      writeWorkload(workload, to: &json)
    }
    if let check {
      json.key("check")
      json.beginObject()
      for (key, value) in [
        ("checked", check.checked), ("regressions", check.regressions), ("improvements", check.improvements),
        ("new", check.new),
      ] {
        json.field(key, value)
      }
      json.key("gone")
      json.beginArray()
      for entry in check.gone {
        json.beginObject()
        json.field("name", entry.name)
        json.field("fingerprint", entry.fingerprint)
        json.field("file", entry.file)
        json.endObject()
      }
      json.endArray()
      json.endObject()
    }
    json.endObject()
    json.endDocument()
    return json.takeSegments()
  }

  /// The statements' objects, written in parts on `threads` cores (statements are independent; one
  /// writer for 48,000 statements was a tenth of `analyze`'s time, on one thread while the other
  /// waited). Parts come back in order, so the document is the same as from one writer.
  private static func statementParts(_ files: [FileAnalysis], indent: Int, threads: Int) -> [String] {
    let positions = files.indices.flatMap { file in files[file].statements.indices.lazy.map { (file, $0) } }
    let partSize = 2_000
    let parts = (positions.count + partSize - 1) / partSize
    return ParallelRunner.map(count: parts, workers: threads) { part in
      var json = JSONWriter(indent: indent, elementsAtDepth: 2)
      for (file, statement) in positions[part * partSize..<min(positions.count, (part + 1) * partSize)] {
        write(files[file].statements[statement], of: files[file], to: &json)
      }
      return json.string
    }
  }

  private static func write(_ statement: StatementAnalysis, of file: FileAnalysis, to json: inout JSONWriter) {
    let position = file.text.position(ofByte: statement.start)
    json.beginObject()
    json.field("file", file.source.name)
    json.field("line", position.line)
    json.field("column", position.column)
    json.field("fingerprint", statement.fingerprint)
    json.field("sql", utf8: file.sqlBytes(of: statement))
    json.key("error")
    if let error = statement.error {
      let errorPosition = file.text.position(ofByte: error.byteOffset ?? statement.start)
      json.beginObject()
      json.field("message", error.message)
      json.field("line", errorPosition.line)
      json.field("column", errorPosition.column)
      json.endObject()
    } else {
      json.null()
    }
    json.key("findings")
    json.beginArray()
    for finding in statement.findings {
      let findingPosition = file.text.position(ofByte: finding.offset)
      json.beginObject()
      json.field("rule", finding.rule)
      json.field("severity", finding.severity.rawValue)
      json.field("message", finding.message)
      json.field("line", findingPosition.line)
      json.field("column", findingPosition.column)
      json.field("help", finding.help)
      json.key("confirmed_by_plan")
      if let confirmed = finding.confirmedByPlan { json.value(confirmed) } else { json.null() }
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
      json.field("rule", rewrite.rule)
      json.field("sql", rewrite.sql)
      json.field("caveat", rewrite.caveat)
      json.field("cost_before", rewrite.costBefore)
      json.field("cost_after", rewrite.costAfter)
      json.endObject()
    }
    json.endArray()
    if let cache = statement.cache { json.field("cache", cache.rawValue) }
    json.endObject()
  }
}

extension JSONReporter {
  static func writePlan(_ plan: ExplainResult, analyzed: Bool, to json: inout JSONWriter) {
    let summary = PlanSummary(plan)
    json.beginObject()
    json.field("total_cost", summary.totalCost)
    json.field("startup_cost", summary.startupCost)
    json.field("plan_rows", summary.planRows)
    json.field("actual_total_time", summary.actualTotalTime)
    json.field("analyzed", analyzed)
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
    json.beginObject()
    writeSuggestionFields(suggestion, to: &json)
    json.endObject()
  }

  static func writeSuggestionFields(_ suggestion: IndexSuggestion, to json: inout JSONWriter) {
    let candidate = suggestion.candidate
    json.field("table", candidate.tableName)
    json.field("name", suggestion.name)
    json.field("columns", strings: candidate.keys.map(\.text))
    json.key("expressions_and_opclasses")
    json.beginArray()
    for key in candidate.keys {
      json.beginObject()
      json.field("key", key.text)
      json.field("expression", key.isExpression)
      json.field("opclass", key.operatorClass)
      json.field("descending", key.descending)
      json.endObject()
    }
    json.endArray()
    json.field("include", strings: candidate.include)
    json.field("where", candidate.predicate)
    json.field("ddl", suggestion.ddl)
    json.field("cost_before", suggestion.costBefore)
    json.field("cost_after", suggestion.costAfter)
    json.field("savings_pct", suggestion.savingsPercent)
    json.field("verified", suggestion.verified)
    json.field("note", suggestion.note)
    json.field("basis", suggestion.basis)
    json.field("low_confidence", suggestion.lowConfidence)
  }

  /// `{"statements","weighted","basis","cost_before","cost_after","size_bytes","storage_budget",
  /// "max_indexes","indexes":[{…suggestion…,"size_bytes","saving","statements","notes"}],
  /// "left_out":[{…suggestion…,"size_bytes","saving","reason"}]}`; costs are summed over the
  /// statements, each times its weight (calls from the store's report runs, else 1).
  static func writeWorkload(_ workload: WorkloadAdvice, to json: inout JSONWriter) {
    json.beginObject()
    json.field("statements", workload.statements)
    json.field("weighted", workload.weighted)
    json.field("basis", workload.basis)
    json.field("cost_before", workload.costBefore)
    json.field("cost_after", workload.costAfter)
    json.field("size_bytes", workload.sizeBytes)
    json.field("storage_budget", workload.options.storageBudget)
    json.field("max_indexes", workload.options.maxIndexes)
    json.key("indexes")
    json.beginArray()
    for index in workload.indexes {
      json.beginObject()
      writeSuggestionFields(index.suggestion, to: &json)
      json.field("size_bytes", index.sizeBytes)
      json.field("saving", index.saving)
      json.field("statements", strings: index.statements)
      json.field("notes", strings: index.notes)
      json.endObject()
    }
    json.endArray()
    json.key("left_out")
    json.beginArray()
    for item in workload.leftOut {
      json.beginObject()
      writeSuggestionFields(item.suggestion, to: &json)
      json.field("size_bytes", item.sizeBytes)
      json.field("saving", item.saving)
      json.field("reason", item.reason)
      json.endObject()
    }
    json.endArray()
    json.endObject()
  }

  static func writePool(_ pool: PoolStatistics, to json: inout JSONWriter) {
    json.beginObject()
    json.field("connections_opened", pool.connectionsOpened)
    json.field("queries", pool.queries)
    json.field("errors", pool.errors)
    json.field("reconnects", pool.reconnects)
    json.field("mean_latency_ms", (pool.meanLatency * 1000).rounded() / 1000)
    json.field("max_latency_ms", (pool.maxLatency * 1000).rounded() / 1000)
    json.endObject()
  }
}

extension JSONReporter {
  public static let format = OutputFormat<AnalysisReport>(
    name: "json", summary: "the versioned JSON contract",
    render: { render($0.files, pool: $0.pool, check: $0.check, cache: $0.cache, workload: $0.workload, threads: $0.threads) },
    renderSegments: {
      segments($0.files, pool: $0.pool, check: $0.check, cache: $0.cache, workload: $0.workload, threads: $0.threads)
    })
}
