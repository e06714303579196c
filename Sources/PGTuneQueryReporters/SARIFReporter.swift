import PGTuneQuery

/// `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other viewers. One run, the rule
/// catalogue as the driver's rules, one result per finding with its file:line:column.
public enum SARIFReporter {
  public static func render(_ files: [FileAnalysis]) -> String {
    var json = JSONWriter(indent: 2)
    json.beginObject()
    json.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
    json.field("version", "2.1.0")
    json.key("runs")
    json.beginArray()
    json.beginObject()
    json.key("tool")
    json.beginObject()
    json.key("driver")
    json.beginObject()
    json.field("name", "pgtune-query")
    json.field("version", PGTuneQueryVersion.current)
    json.key("rules")
    json.beginArray()
    for rule in AllRules.descriptions {
      json.beginObject()
      json.field("id", rule.id)
      json.key("shortDescription")
      text(rule.summary, to: &json)
      json.key("fullDescription")
      text(rule.rationale, to: &json)
      json.key("defaultConfiguration")
      json.beginObject()
      json.field("level", level(rule.defaultSeverity))
      json.endObject()
      json.endObject()
    }
    json.endArray()
    json.endObject()
    json.endObject()
    json.key("results")
    json.beginArray()
    for file in files {
      for statement in file.statements {
        for finding in statement.findings {
          let position = file.text.position(ofByte: finding.offset)
          json.beginObject()
          json.field("ruleId", finding.rule)
          json.field("level", level(finding.severity))
          json.key("message")
          text(finding.help.map { "\(finding.message) (\($0))" } ?? finding.message, to: &json)
          json.key("locations")
          json.beginArray()
          json.beginObject()
          json.key("physicalLocation")
          json.beginObject()
          json.key("artifactLocation")
          json.beginObject()
          json.field("uri", file.source.name)
          json.endObject()
          json.key("region")
          json.beginObject()
          json.field("startLine", position.line)
          json.field("startColumn", position.column)
          json.endObject()
          json.endObject()
          json.endObject()
          json.endArray()
          json.endObject()
        }
      }
    }
    json.endArray()
    json.endObject()
    json.endArray()
    json.endObject()
    json.endDocument()
    return json.string
  }

  private static func text(_ value: String, to json: inout JSONWriter) {
    json.beginObject()
    json.field("text", value)
    json.endObject()
  }

  static func level(_ severity: Severity) -> String {
    switch severity {
    case .error: "error"
    case .warning: "warning"
    case .info: "note"
    }
  }
}

extension SARIFReporter {
  public static let format = OutputFormat<AnalysisReport>(name: "sarif", summary: "SARIF 2.1.0 for code scanning") {
    render($0.files)
  }
}
