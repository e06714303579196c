internal import CSQLite

/// A failed SQLite call: the result code and SQLite's message.
struct SQLiteError: Error, Sendable {
  let code: Int32
  let message: String

  /// The file is not a database or is damaged: the caller moves it aside and starts again.
  var isCorruption: Bool {
    let primary = code & 0xff
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB
  }

  var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }
}

/// The only Swift file that touches the SQLite C API. One connection; not thread-safe by itself
/// (the tier serialises calls). Every return code goes through `check`.
final class SQLiteDatabase {
  /// A value bound to or read from a statement.
  enum Value: Equatable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
  }

  private var handle: OpaquePointer?
  private var cache: [String: OpaquePointer] = [:]

  init(path: String, busyTimeoutMilliseconds: Int32) throws(SQLiteError) {
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let status = sqlite3_open_v2(path, &handle, flags, nil)
    if status != SQLITE_OK {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(handle)
      handle = nil
      throw SQLiteError(code: status, message: message)
    }
    sqlite3_extended_result_codes(handle, 1)
    sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
  }

  deinit { close() }

  func close() {
    for statement in cache.values { sqlite3_finalize(statement) }
    cache.removeAll()
    if let handle { sqlite3_close_v2(handle) }
    handle = nil
  }

  /// Runs one or more statements without results (DDL, PRAGMA settings, BEGIN/COMMIT).
  func execute(_ sql: String) throws(SQLiteError) {
    var message: UnsafeMutablePointer<CChar>?
    let status = sqlite3_exec(handle, sql, nil, nil, &message)
    defer { sqlite3_free(message) }
    if status != SQLITE_OK {
      throw SQLiteError(code: status, message: message.map { String(cString: $0) } ?? errorMessage)
    }
  }

  /// Runs a (cached) prepared statement and returns its rows.
  @discardableResult
  func query(_ sql: String, _ arguments: [Value] = []) throws(SQLiteError) -> [[Value]] {
    let statement = try prepared(sql)
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }
    for (index, argument) in arguments.enumerated() {
      let position = Int32(index + 1)
      let status: Int32
      switch argument {
      case .integer(let value): status = sqlite3_bind_int64(statement, position, value)
      case .text(let value): status = sqlite3_bind_text(statement, position, value, -1, pgtq_sqlite_transient())
      case .blob(let value):
        status = value.withUnsafeBytes { raw in
          sqlite3_bind_blob(statement, position, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), pgtq_sqlite_transient())
        }
      case .null: status = sqlite3_bind_null(statement, position)
      }
      try check(status)
    }
    var rows: [[Value]] = []
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { break }
      guard status == SQLITE_ROW else { throw SQLiteError(code: status, message: errorMessage) }
      rows.append((0..<sqlite3_column_count(statement)).map { column(statement, $0) })
    }
    return rows
  }

  var changes: Int { Int(sqlite3_changes(handle)) }

  private func column(_ statement: OpaquePointer, _ index: Int32) -> Value {
    switch sqlite3_column_type(statement, index) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
    case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, index)))
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(statement, index))
      guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
      return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
    case SQLITE_FLOAT: return .integer(Int64(sqlite3_column_double(statement, index)))
    default: return .null
    }
  }

  private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
    if let statement = cache[sql] { return statement }
    var statement: OpaquePointer?
    try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil))
    guard let statement else { throw SQLiteError(code: SQLITE_MISUSE, message: "empty statement") }
    cache[sql] = statement
    return statement
  }

  private var errorMessage: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed" }

  private func check(_ status: Int32) throws(SQLiteError) {
    guard status == SQLITE_OK else { throw SQLiteError(code: status, message: errorMessage) }
  }
}

extension SQLiteDatabase.Value {
  var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
  var text: String? { if case .text(let value) = self { value } else { nil } }
  var blob: [UInt8]? { if case .blob(let value) = self { value } else { nil } }
}
