/// The stored form of a statement's live analysis. Written in a small binary layout rather than
/// JSON: a warm run decodes one per statement, and JSONDecoder's fixed cost per document was a
/// tenth of it. The plan's JSON comes last, as is, and is decoded only by `ExplainResult`.
struct CachedAnalysis: Sendable, Equatable {
  struct Key: Sendable, Equatable {
    var text: String
    var isExpression: Bool
    var descending: Bool
    var operatorClass: String?
  }

  struct Candidate: Sendable, Equatable {
    var schema: String
    var table: String
    var keys: [Key]
    var include: [String]
    var predicate: String?
    var reason: String
    var costBefore: Double
    var costAfter: Double?
  }

  struct CachedRewrite: Sendable, Equatable {
    var rule: String
    var sql: String
    var caveat: String?
    var costBefore: Double?
    var costAfter: Double?
  }

  /// The plan as `ExplainResult.planJSON` holds it.
  var plan: String
  var planningTime: Double?
  var executionTime: Double?
  var analyzed: Bool
  var verified: Bool
  var candidates: [Candidate]
  var rewrites: [CachedRewrite]
  var storedAt: Int64
  /// Digests of the advice and rewrite settings used; nil when they were not computed.
  var advisor: String?
  var rewriting: String?

  /// Layout version: bumped when the layout changes, so old entries read as misses.
  static let layout: UInt8 = 1

  func encoded() -> [UInt8]? {
    var writer = ByteWriter()
    writer.byte(Self.layout)
    writer.double(planningTime)
    writer.double(executionTime)
    writer.byte(analyzed ? 1 : 0)
    writer.byte(verified ? 1 : 0)
    writer.int(Int64(candidates.count))
    for candidate in candidates {
      writer.string(candidate.schema)
      writer.string(candidate.table)
      writer.int(Int64(candidate.keys.count))
      for key in candidate.keys {
        writer.string(key.text)
        writer.byte((key.isExpression ? 1 : 0) | (key.descending ? 2 : 0))
        writer.string(key.operatorClass)
      }
      writer.int(Int64(candidate.include.count))
      for column in candidate.include { writer.string(column) }
      writer.string(candidate.predicate)
      writer.string(candidate.reason)
      writer.double(candidate.costBefore)
      writer.double(candidate.costAfter)
    }
    writer.int(Int64(rewrites.count))
    for rewrite in rewrites {
      writer.string(rewrite.rule)
      writer.string(rewrite.sql)
      writer.string(rewrite.caveat)
      writer.double(rewrite.costBefore)
      writer.double(rewrite.costAfter)
    }
    writer.int(storedAt)
    writer.string(advisor)
    writer.string(rewriting)
    writer.bytes.append(contentsOf: plan.utf8)
    return writer.bytes
  }

  static func decode(_ bytes: [UInt8]) -> CachedAnalysis? {
    var reader = ByteReader(bytes)
    guard reader.byte() == layout else { return nil }
    let planningTime = reader.double()
    let executionTime = reader.double()
    let analyzed = reader.byte() == 1
    let verified = reader.byte() == 1
    var candidates: [Candidate] = []
    for _ in 0..<reader.count() {
      let schema = reader.string() ?? ""
      let table = reader.string() ?? ""
      var keys: [Key] = []
      for _ in 0..<reader.count() {
        let text = reader.string() ?? ""
        let flags = reader.byte() ?? 0
        keys.append(Key(text: text, isExpression: flags & 1 != 0, descending: flags & 2 != 0, operatorClass: reader.string()))
      }
      var include: [String] = []
      for _ in 0..<reader.count() { include.append(reader.string() ?? "") }
      let predicate = reader.string()
      let reason = reader.string() ?? ""
      let before = reader.double() ?? 0
      candidates.append(
        Candidate(
          schema: schema, table: table, keys: keys, include: include, predicate: predicate, reason: reason,
          costBefore: before, costAfter: reader.double()))
    }
    var rewrites: [CachedRewrite] = []
    for _ in 0..<reader.count() {
      let rule = reader.string() ?? ""
      let sql = reader.string() ?? ""
      let caveat = reader.string()
      let before = reader.double()
      rewrites.append(CachedRewrite(rule: rule, sql: sql, caveat: caveat, costBefore: before, costAfter: reader.double()))
    }
    let storedAt = reader.int() ?? 0
    let advisor = reader.string()
    let rewriting = reader.string()
    guard !reader.failed else { return nil }
    return CachedAnalysis(
      plan: reader.rest(), planningTime: planningTime, executionTime: executionTime, analyzed: analyzed,
      verified: verified, candidates: candidates, rewrites: rewrites, storedAt: storedAt, advisor: advisor,
      rewriting: rewriting)
  }
}

/// Little-endian fixed-width numbers and length-prefixed strings; optionals carry a presence byte.
struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func byte(_ value: UInt8) { bytes.append(value) }

  mutating func int(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }

  mutating func double(_ value: Double?) {
    guard let value else { return byte(0) }
    byte(1)
    int(Int64(bitPattern: value.bitPattern))
  }

  mutating func string(_ value: String?) {
    guard let value else { return byte(0) }
    byte(1)
    int(Int64(value.utf8.count))
    bytes.append(contentsOf: value.utf8)
  }
}

/// Reads what `ByteWriter` wrote; any overrun sets `failed` (a damaged entry is a miss).
struct ByteReader {
  private let bytes: [UInt8]
  private var position = 0
  private(set) var failed = false

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  mutating func byte() -> UInt8? {
    guard position < bytes.count else {
      failed = true
      return nil
    }
    defer { position += 1 }
    return bytes[position]
  }

  mutating func int() -> Int64? {
    guard position + 8 <= bytes.count else {
      failed = true
      return nil
    }
    var value: UInt64 = 0
    for offset in (0..<8).reversed() { value = value << 8 | UInt64(bytes[position + offset]) }
    position += 8
    return Int64(bitPattern: value)
  }

  /// A count for a loop: 0 (and `failed`) when damaged or implausible.
  mutating func count() -> Int {
    guard let value = int(), value >= 0, value <= Int64(bytes.count) else {
      failed = true
      return 0
    }
    return Int(value)
  }

  mutating func double() -> Double? {
    guard byte() == 1, let bits = int() else { return nil }
    return Double(bitPattern: UInt64(bitPattern: bits))
  }

  mutating func string() -> String? {
    guard byte() == 1 else { return nil }
    let length = count()
    guard !failed, position + length <= bytes.count else {
      failed = true
      return nil
    }
    defer { position += length }
    return String(decoding: bytes[position..<(position + length)], as: UTF8.self)
  }

  func rest() -> String { String(decoding: bytes[min(position, bytes.count)...], as: UTF8.self) }
}
