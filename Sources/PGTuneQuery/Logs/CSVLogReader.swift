/// Reads csvlog (RFC 4180, fields may hold quoted newlines). Columns as PostgreSQL 13–16 write
/// them: log_time, user_name, database_name, process_id, connection_from, session_id,
/// session_line_num, command_tag, session_start_time, virtual_transaction_id, transaction_id,
/// error_severity, sql_state_code, message, detail, hint, internal_query, internal_query_pos,
/// context, query, query_pos, location, application_name, backend_type…
public struct CSVLogReader {
  private var record: [String] = []
  private var field = ""
  private var quoted = false
  private var fieldStarted = false
  public private(set) var malformed = 0

  public init() {}

  /// Feeds one physical line; returns an event once a whole record has been read.
  public mutating func feed(_ line: Substring) -> LogEvent? {
    var iterator = line.makeIterator()
    while let character = iterator.next() {
      if quoted {
        if character == "\"" {
          // `""` inside quotes is a quote; a lone `"` ends the quoted part.
          var lookahead = iterator
          if lookahead.next() == "\"" {
            field.append("\"")
            iterator = lookahead
          } else {
            quoted = false
          }
        } else {
          field.append(character)
        }
      } else if character == "," {
        record.append(field)
        field = ""
        fieldStarted = false
      } else if character == "\"" && !fieldStarted {
        quoted = true
        fieldStarted = true
      } else {
        field.append(character)
        fieldStarted = true
      }
    }
    if quoted {
      field.append("\n")
      return nil
    }
    record.append(field)
    field = ""
    fieldStarted = false
    defer { record = [] }
    return Self.event(from: record, malformed: &malformed)
  }

  static func event(from fields: [String], malformed: inout Int) -> LogEvent? {
    guard fields.count >= 14 else {
      malformed += 1
      return nil
    }
    func value(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? fields[index] : nil }
    var event = LogEvent(severity: fields[11], message: fields[13])
    event.timestamp = value(0)
    event.user = value(1)
    event.database = value(2)
    event.pid = value(3)
    event.sqlState = value(12)
    event.detail = value(14)
    event.statement = value(19)
    event.application = value(22)
    return event
  }
}

/// Reads jsonlog (PostgreSQL 15+): one JSON object per line.
public enum JSONLogReader {
  public static func event(from line: Substring) -> LogEvent? {
    guard line.first == "{", let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      let severity = object["error_severity"] as? String
    else { return nil }
    var event = LogEvent(severity: severity, message: object["message"] as? String ?? "")
    event.timestamp = object["timestamp"] as? String
    event.user = object["user"] as? String
    event.database = object["dbname"] as? String
    event.pid = (object["pid"] as? Int).map(String.init)
    event.application = object["application_name"] as? String
    event.sqlState = object["state_code"] as? String
    event.statement = object["statement"] as? String
    event.detail = object["detail"] as? String
    return event
  }
}

import Foundation
