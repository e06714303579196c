internal import CPgQuery
import Foundation

/// A failure reported by libpg_query (a syntax error, an unterminated string, "memory exhausted"
/// for absurdly deep nesting...). `byteOffset` points into the text that was handed to libpg_query.
public struct PgQueryError: Error, LocalizedError, Sendable, Equatable {
  /// PostgreSQL's own message, e.g. `syntax error at or near "SELEC"`.
  public let message: String
  /// UTF-8 byte offset of the error in the input, when libpg_query gave a position.
  public let byteOffset: Int?

  public init(message: String, byteOffset: Int?) {
    self.message = message
    self.byteOffset = byteOffset
  }

  public var errorDescription: String? { message }
}

/// One lexical token as PostgreSQL's scanner sees it (byte offsets into the scanned text).
struct ScanToken: Equatable, Sendable {
  /// libpg_query's `Token` enum value; single-character tokens use their ASCII code.
  let token: Int32
  let start: Int
  let end: Int
  /// `KeywordKind`: 0 none, 1 unreserved, 2 column name, 3 type or function name, 4 reserved.
  var keywordKind: Int32 = 0

  static let semicolon: Int32 = 59
  static let openParen: Int32 = 40
  static let closeParen: Int32 = 41
  static let sqlComment: Int32 = 275
  static let cComment: Int32 = 276
}

/// The only door to libpg_query. Every call copies C strings in, frees what libpg_query
/// allocated, and turns its error struct into a `PgQueryError`. libpg_query keeps a memory context
/// per thread, so all of these may be called from several threads at once.
enum PgQuery {
  /// Parses one or more statements and hands libpg_query's JSON parse tree (UTF-8 bytes) to
  /// `body` where libpg_query wrote it: no copy, and gone when `body` returns (see `pgtq_parse`).
  static func withParseTree<T>(
    _ text: UnsafePointer<CChar>, _ body: (UnsafeBufferPointer<UInt8>) -> T
  ) -> Result<T, PgQueryError> {
    let result = pgtq_parse(text)
    defer { pgtq_release_parse(result) }
    if let error = result.error { return .failure(makeError(error, input: text)) }
    guard let json = result.json else { return .failure(PgQueryError(message: "libpg_query returned no parse tree", byteOffset: nil)) }
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(json).assumingMemoryBound(to: UInt8.self), count: result.json_length)
    return .success(body(bytes))
  }

  /// Parses a run of whole statements in one pass of the grammar and hands `body` the piece: each
  /// statement's range in `text` and, on request, its JSON tree (see `pgtq_parse_piece`). Fails,
  /// without calling `body`, when the text does not parse as a whole.
  static func withParsedPiece<T>(_ text: UnsafePointer<CChar>, _ body: (inout ParsedPiece) -> T) -> Result<T, PgQueryError> {
    var raw = pgtq_parse_piece(text)
    defer { pgtq_release_piece(raw) }
    if let error = raw.error { return .failure(makeError(error, input: text)) }
    return withUnsafeMutablePointer(to: &raw) { pointer in
      var piece = ParsedPiece(raw: pointer)
      return .success(body(&piece))
    }
  }

  /// A parsed piece, valid inside `withParsedPiece` only.
  struct ParsedPiece: ~Copyable {
    fileprivate let raw: UnsafeMutablePointer<PgtqPiece>
    /// Ranges in the piece's text; all read before any statement's tree is asked for, because
    /// the piece's tree is freed with its last statement's JSON.
    let ranges: [Range<Int>]

    fileprivate init(raw: UnsafeMutablePointer<PgtqPiece>) {
      self.raw = raw
      let count = Int(raw.pointee.count)
      var ranges: [Range<Int>] = []
      ranges.reserveCapacity(count)
      for index in 0..<count {
        var location: Int32 = 0
        var length: Int32 = 0
        pgtq_piece_range(raw, Int32(index), &location, &length)
        ranges.append(Int(location)..<Int(location + length))
      }
      self.ranges = ranges
    }

    /// Statement `index`'s JSON parse tree (locations count from the piece's start); gone when
    /// `body` returns. Each index once, in order.
    mutating func withStatementTree<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
      let result = pgtq_piece_statement(raw, Int32(index))
      defer { pgtq_release_piece_statement(result) }
      let bytes = UnsafeBufferPointer(
        start: UnsafeRawPointer(result.json).assumingMemoryBound(to: UInt8.self), count: result.json_length)
      return body(bytes)
    }
  }

  /// Gives the kernel the whole pages of libpg_query's JSON in `range` of `bytes`, which the
  /// decoder has read and will not read again: a 60 MB JSON kept to the end of its decoding,
  /// beside the tree it was becoming, was a third of a huge statement's peak memory. Only pages
  /// inside the range (so inside the buffer, never the allocator's header before it) are given
  /// back; they read as zeros if touched, and the buffer is freed as usual afterwards.
  static func discard(_ range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) {
    guard let base = bytes.baseAddress, range.upperBound <= bytes.count else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let address = Int(bitPattern: base)
    let start = (address + range.lowerBound + page - 1) / page * page
    let end = (address + range.upperBound) / page * page
    guard end > start, let pages = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pages, end - start, Int32(MADV_DONTNEED))
  }

  /// Gives the kernel back the memory malloc keeps after libpg_query freed a large parse (the
  /// split of a file of many megabytes), so that the next large allocation does not add to it.
  static func returnFreedMemory() { pgtq_return_freed_memory() }

  /// libpg_query's 64-bit XXH3 of `bytes` with `seed`: the hash its fingerprint takes of the
  /// walk's tokens (see `QueryFingerprint`).
  static func xxh3(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
    XXH3_64bits_withSeed(bytes.baseAddress, bytes.count, seed)
  }

  /// The 16 lower-case hex digits `pg_query_fingerprint` prints for a hash.
  static func fingerprintText(_ hash: UInt64) -> String {
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  /// Parses statements into libpg_query's protobuf parse tree (the input `deparse` takes).
  static func parseProtobuf(_ sql: String) -> Result<[UInt8], PgQueryError> {
    sql.withCString { text in
      let result = pg_query_parse_protobuf(text)
      defer { pg_query_free_protobuf_parse_result(result) }
      if let error = result.error { return .failure(makeError(error, input: text)) }
      guard let data = result.parse_tree.data else { return .success([]) }
      return .success(data.withMemoryRebound(to: UInt8.self, capacity: result.parse_tree.len) {
        Array(UnsafeBufferPointer(start: $0, count: result.parse_tree.len))
      })
    }
  }

  /// Turns a protobuf parse tree back into SQL text.
  static func deparse(protobuf: [UInt8]) -> Result<String, PgQueryError> {
    var bytes = protobuf
    return bytes.withUnsafeMutableBytes { buffer in
      let input = PgQueryProtobuf(
        len: buffer.count, data: buffer.baseAddress?.assumingMemoryBound(to: CChar.self))
      let result = pg_query_deparse_protobuf(input)
      defer { pg_query_free_deparse_result(result) }
      if let error = result.error { return .failure(makeError(error, input: nil)) }
      return .success(result.query.map { String(cString: $0) } ?? "")
    }
  }

  /// libpg_query's query fingerprint (version 3), as the 16 hex digits it prints.
  static func fingerprint(_ text: UnsafePointer<CChar>) -> Result<String, PgQueryError> {
    let result = pg_query_fingerprint(text)
    defer { pg_query_free_fingerprint_result(result) }
    if let error = result.error { return .failure(makeError(error, input: text)) }
    return .success(result.fingerprint_str.map { String(cString: $0) } ?? "")
  }

  /// Replaces constants with `$n` placeholders, as `pg_stat_statements` shows queries.
  static func normalize(_ sql: String) -> Result<String, PgQueryError> {
    sql.withCString { text in
      let result = pg_query_normalize(text)
      defer { pg_query_free_normalize_result(result) }
      if let error = result.error { return .failure(makeError(error, input: text)) }
      return .success(result.normalized_query.map { String(cString: $0) } ?? "")
    }
  }

  /// PL/pgSQL's own parser on a `CREATE FUNCTION … LANGUAGE plpgsql` or `DO` statement: the
  /// function tree as JSON (statements with their `lineno` and `PLpgSQL_expr` query texts).
  static func parsePlpgsql(_ sql: String) -> Result<String, PgQueryError> {
    sql.withCString { text in
      let result = pg_query_parse_plpgsql(text)
      defer { pg_query_free_plpgsql_parse_result(result) }
      if let error = result.error { return .failure(makeError(error, input: text)) }
      return .success(result.plpgsql_funcs.map { String(cString: $0) } ?? "[]")
    }
  }

  /// Splits text into statements with the real grammar. Fails on the first syntax error anywhere.
  static func splitWithParser(_ text: UnsafePointer<CChar>) -> Result<[Range<Int>], PgQueryError> {
    let result = pg_query_split_with_parser(text)
    defer { pg_query_free_split_result(result) }
    if let error = result.error { return .failure(makeError(error, input: text)) }
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(Int(result.n_stmts))
    for index in 0..<Int(result.n_stmts) {
      guard let statement = result.stmts?[index]?.pointee else { continue }
      let start = Int(statement.stmt_location)
      ranges.append(start..<(start + Int(statement.stmt_len)))
    }
    return .success(ranges)
  }

  /// Runs PostgreSQL's scanner over the text. An unterminated string or comment is an error
  /// whose position says where it starts.
  static func scan(_ text: UnsafePointer<CChar>) -> Result<[ScanToken], PgQueryError> {
    let result = pg_query_scan(text)
    defer { pg_query_free_scan_result(result) }
    if let error = result.error { return .failure(makeError(error, input: text)) }
    guard let data = result.pbuf.data else { return .success([]) }
    return data.withMemoryRebound(to: UInt8.self, capacity: result.pbuf.len) {
      ScanResultDecoder.decode(UnsafeBufferPointer(start: $0, count: result.pbuf.len))
    }.mapError { _ in PgQueryError(message: "could not read libpg_query's scan result", byteOffset: nil) }
  }

  /// libpg_query reports `cursorpos` the way PostgreSQL does: a 1-based count of *characters*.
  /// We keep positions as UTF-8 byte offsets everywhere, so convert here, once.
  private static func makeError(
    _ error: UnsafeMutablePointer<CPgQuery.PgQueryError>, input: UnsafePointer<CChar>?
  ) -> PgQueryError {
    let message = error.pointee.message.map { String(cString: $0) } ?? "unknown libpg_query error"
    let cursor = Int(error.pointee.cursorpos)
    guard cursor > 0, let input else { return PgQueryError(message: message, byteOffset: nil) }
    return PgQueryError(message: message, byteOffset: byteOffset(ofCharacter: cursor - 1, in: input))
  }

  private static func byteOffset(ofCharacter characterIndex: Int, in text: UnsafePointer<CChar>)
    -> Int
  {
    var byte = 0
    var characters = 0
    while characters < characterIndex {
      let lead = UInt8(bitPattern: text[byte])
      if lead == 0 { break }
      byte += 1
      // Continuation bytes one at a time, never past the terminating NUL: a truncated or invalid
      // sequence at the end of the text must not walk off the buffer (found by the fuzzer).
      var continuation = lead < 0x80 ? 0 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3
      while continuation > 0, UInt8(bitPattern: text[byte]) & 0xC0 == 0x80 {
        byte += 1
        continuation -= 1
      }
      characters += 1
    }
    return byte
  }
}

/// Reads libpg_query's `ScanResult` protobuf message: `repeated ScanToken tokens = 2` where
/// `ScanToken { int32 start = 1; int32 end = 2; Token token = 4; KeywordKind keyword_kind = 5; }`.
/// It is four varint fields, so a few lines of wire-format reading beat a protobuf runtime.
enum ScanResultDecoder {
  struct Malformed: Error {}

  static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<[ScanToken], Malformed> {
    var reader = WireReader(bytes: bytes, position: 0, end: bytes.count)
    var tokens: [ScanToken] = []
    while reader.position < reader.end {
      guard let (field, wireType) = reader.readKey() else { return .failure(Malformed()) }
      if field == 2 && wireType == 2 {
        guard let length = reader.readVarint(), let token = readToken(&reader, length: Int(length))
        else { return .failure(Malformed()) }
        tokens.append(token)
      } else if !reader.skip(wireType: wireType) {
        return .failure(Malformed())
      }
    }
    return .success(tokens)
  }

  private static func readToken(_ reader: inout WireReader, length: Int) -> ScanToken? {
    var inner = WireReader(bytes: reader.bytes, position: reader.position, end: reader.position + length)
    guard inner.end <= reader.end else { return nil }
    var start = 0, end = 0, token: Int32 = 0, keywordKind: Int32 = 0
    while inner.position < inner.end {
      guard let (field, wireType) = inner.readKey() else { return nil }
      if wireType == 0, let value = inner.readVarint() {
        switch field {
        case 1: start = Int(Int32(truncatingIfNeeded: value))
        case 2: end = Int(Int32(truncatingIfNeeded: value))
        case 4: token = Int32(truncatingIfNeeded: value)
        case 5: keywordKind = Int32(truncatingIfNeeded: value)
        default: break
        }
      } else if !inner.skip(wireType: wireType) {
        return nil
      }
    }
    reader.position = inner.end
    return ScanToken(token: token, start: start, end: end, keywordKind: keywordKind)
  }
}

/// Protobuf wire-format primitives (varints, keys, skipping unknown fields).
struct WireReader {
  let bytes: UnsafeBufferPointer<UInt8>
  var position: Int
  let end: Int

  mutating func readVarint() -> UInt64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while position < end, shift < 64 {
      let byte = bytes[position]
      position += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    return nil
  }

  mutating func readKey() -> (field: Int, wireType: Int)? {
    guard let key = readVarint() else { return nil }
    return (Int(key >> 3), Int(key & 7))
  }

  mutating func skip(wireType: Int) -> Bool {
    switch wireType {
    case 0: return readVarint() != nil
    case 1: position += 8
    case 2:
      guard let length = readVarint() else { return false }
      position += Int(length)
    case 5: position += 4
    default: return false
    }
    return position <= end
  }
}
