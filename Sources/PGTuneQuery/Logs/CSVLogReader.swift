/// Reads csvlog (RFC 4180, fields may hold quoted newlines). Columns as PostgreSQL 13–16 write
/// them: log_time, user_name, database_name, process_id, connection_from, session_id,
/// session_line_num, command_tag, session_start_time, virtual_transaction_id, transaction_id,
/// error_severity, sql_state_code, message, detail, hint, internal_query, internal_query_pos,
/// context, query, query_pos, location, application_name, backend_type…
public struct CSVLogReader {
  private var record: [String] = []
  /// The field being read, as bytes: appending Characters one by one was the csv hot spot.
  private var field: [UInt8] = []
  private var quoted = false
  private var fieldStarted = false
  public private(set) var malformed = 0

  public init() {}

  /// No record is open: the next line starts one.
  var isBetweenRecords: Bool { !quoted }

  /// Feeds one physical line; returns an event once a whole record has been read.
  public mutating func feed(_ line: Substring) -> LogEvent? {
    let bytes = line.utf8
    var index = bytes.startIndex
    let end = bytes.endIndex
    while index < end {
      let byte = bytes[index]
      index = bytes.index(after: index)
      if quoted {
        if byte == UInt8(ascii: "\"") {
          // `""` inside quotes is a quote; a lone `"` ends the quoted part.
          if index < end, bytes[index] == UInt8(ascii: "\"") {
            field.append(byte)
            index = bytes.index(after: index)
          } else {
            quoted = false
          }
        } else {
          field.append(byte)
        }
      } else if byte == UInt8(ascii: ",") {
        finishField()
      } else if byte == UInt8(ascii: "\"") && !fieldStarted {
        quoted = true
        fieldStarted = true
      } else {
        field.append(byte)
        fieldStarted = true
      }
    }
    if quoted {
      field.append(0x0A)
      return nil
    }
    finishField()
    defer { record.removeAll(keepingCapacity: true) }
    return Self.event(from: record, malformed: &malformed)
  }

  private mutating func finishField() {
    record.append(String(decoding: field, as: UTF8.self))
    field.removeAll(keepingCapacity: true)
    fieldStarted = false
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
