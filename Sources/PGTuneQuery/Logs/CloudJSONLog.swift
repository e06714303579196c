/// JSON logs of hosted PostgreSQL, where the server's own line is wrapped in a logging service's
/// envelope: Google Cloud SQL through Cloud Logging (`textPayload`: the stderr line with Cloud
/// SQL's `log_line_prefix`; or `jsonPayload.message`) and CloudNativePG (`record`: the csvlog
/// columns as JSON keys). Tried on a JSON line that is not jsonlog (no `error_severity`).
enum CloudJSONLog {
  enum Unwrapped: Equatable {
    /// A stderr-format line, read by the stderr reader (prefix recognized automatically).
    case stderrLine(String)
    case event(LogEvent)
    /// A line of the service itself (CloudNativePG's operator): known, and not the server's.
    case service
  }

  static func unwrap(_ line: Substring) -> Unwrapped? {
    guard line.first == "{", let object = try? JSONValue.parse(String(line)) else { return nil }
    if let text = object["textPayload"]?.string ?? object["jsonPayload"]?["message"]?.string {
      return .stderrLine(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }
    if let record = object["record"], record.isObject, let severity = record["error_severity"]?.string {
      func text(_ key: String) -> String? {
        guard let value = record[key] else { return nil }
        return value.string ?? value.number.map { JSONValue.format($0) }
      }
      var event = LogEvent(severity: severity, message: text("message") ?? "")
      event.timestamp = text("log_time")
      event.user = text("user_name")
      event.database = text("database_name")
      event.pid = text("process_id")
      event.application = text("application_name")
      event.sqlState = text("sql_state_code")
      event.statement = text("query")
      event.detail = text("detail")
      return .event(event)
    }
    if object["logger"]?.string != nil, object["msg"]?.string != nil { return .service }
    return nil
  }
}
