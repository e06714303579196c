import Foundation

/// Literal-stripped query text → fingerprint and normalized query: a query repeated with other
/// constants is parsed once. One read of a log keeps one; a log read in parts on several threads
/// keeps one per thread, across the parts that thread reads (each part starting cold parsed every
/// shape of the log again in every part).
struct QueryIdentities: Sendable {
  typealias Identity = (fingerprint: String, query: String, parsed: Bool)

  /// Known shapes by the lookup digest of their stripped bytes, with the bytes to check against.
  private var known: [UInt64: (bytes: [UInt8], identity: Identity)] = [:]
  /// The rare shape whose digest an other shape already holds.
  private var collided: [StrippedQuery: Identity] = [:]
  /// Room for a text's stripped bytes, reused from line to line: a new array per log line was a
  /// tenth of the lookup, most of it in the allocator. Only a shape seen for the first time gets
  /// an array of its own.
  private var scratch: [UInt8] = []
  /// How shapes are keyed (a test gives a constant to send every shape down the collision path).
  var digest: @Sendable (UnsafeBufferPointer<UInt8>) -> UInt64 = Self.wordHash

  /// A hash of `bytes` eight at a time, for the lookup only (the name of a query that does not
  /// parse stays the FNV-1a digest): FNV-1a's multiply per byte was a third of the lookup.
  static func wordHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    guard let base = bytes.baseAddress else { return 0 }
    var hash = UInt64(truncatingIfNeeded: bytes.count) &* 0x9E37_79B9_7F4A_7C15
    var offset = 0
    while offset + 8 <= bytes.count {
      let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
      hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
      hash ^= hash >> 32
      offset += 8
    }
    var tail: UInt64 = 0
    for index in offset..<bytes.count { tail = tail << 8 | UInt64(base[index]) }
    hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    return hash ^ (hash >> 29)
  }

  /// A shape not seen yet, as `lookUp` found it: what `make` keeps it under.
  struct Unknown {
    fileprivate let key: StrippedQuery
    fileprivate let digest: UInt64
  }

  enum Lookup {
    case known(Identity)
    case unknown(Unknown)
  }

  /// The identity of `text` if its shape is known; otherwise the shape, for `make`.
  mutating func lookUp(_ text: String) -> Lookup {
    var text = text
    let (length, digest) = text.withUTF8 { bytes in
      if scratch.count < bytes.count { scratch = [UInt8](repeating: 0, count: max(bytes.count, 2 * scratch.count, 256)) }
      return scratch.withUnsafeMutableBufferPointer { output in
        let length = LogAggregator.literalStripped(bytes, into: output)
        return (length, self.digest(UnsafeBufferPointer(rebasing: output[..<length])))
      }
    }
    if let entry = known[digest], entry.bytes.count == length {
      let same = scratch.withUnsafeBufferPointer { stripped in
        entry.bytes.withUnsafeBufferPointer { length == 0 || memcmp($0.baseAddress!, stripped.baseAddress!, length) == 0 }
      }
      if same { return .known(entry.identity) }
    }
    let key = StrippedQuery(Array(scratch[..<length]))
    if !collided.isEmpty, let identity = collided[key] { return .known(identity) }
    return .unknown(Unknown(key: key, digest: digest))
  }

  /// The identity of `text`, whose shape `lookUp` did not know, made now and kept. The cache
  /// saves parses of repeated shapes; a log of a million distinct shapes would make it the
  /// largest thing in memory, so it is dropped when it holds `limit`.
  mutating func make(_ shape: Unknown, from text: String, limit: Int) -> Identity {
    if known.count + collided.count >= limit {
      known.removeAll(keepingCapacity: true)
      collided.removeAll()
    }
    let key = shape.key
    let identity: Identity
    if let fingerprint = try? SQLText.fingerprint(text) {
      identity = (fingerprint, (try? SQLText.normalize(text)) ?? key.text, true)
    } else {
      identity = ("text:" + String(key.digest, radix: 16), key.text, false)
    }
    if known[shape.digest] == nil {
      known[shape.digest] = (key.bytes, identity)
    } else {
      collided[key] = identity
    }
    return identity
  }
}

extension LogAggregator {
  /// Query text with quoted strings and numbers replaced by `?` and blanks folded: the cache
  /// key that makes repeated queries cheap.
  static func literalStripped(_ text: String) -> String {
    String(decoding: literalStrippedBytes(text), as: UTF8.self)
  }

  static func literalStrippedBytes(_ text: String) -> [UInt8] {
    // The string's own bytes when contiguous (native strings): copying each query into an array
    // first was most of the cost.
    text.utf8.withContiguousStorageIfAvailable(literalStripped(bytes:)) ?? Array(text.utf8).withUnsafeBufferPointer(literalStripped(bytes:))
  }

  private static func literalStripped(bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: bytes.count) { output, written in
      written = literalStripped(bytes, into: output)
    }
  }

  /// Writes the stripped text of `bytes` into `output` (room for `bytes.count`: every input byte
  /// gives at most one output byte; growing an array byte by byte was half of the cost) and
  /// returns its length.
  static func literalStripped(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
    var length = 0
    var index = 0
    let count = bytes.count
    var lastWasSpace = false
    var previous: UInt8 = 0
    while index < count {
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "'"):
        while index < count {
          let next = bytes[index]
          index += 1
          if next == UInt8(ascii: "'") {
            if index < count, bytes[index] == UInt8(ascii: "'") { index += 1 } else { break }
          }
        }
        output[length] = UInt8(ascii: "?")
        length += 1
        lastWasSpace = false
      case UInt8(ascii: "0")...UInt8(ascii: "9") where !(previous.isLetterOrUnderscore || previous.isDigit):
        while index < count, bytes[index].isDigit || bytes[index] == UInt8(ascii: ".") { index += 1 }
        output[length] = UInt8(ascii: "?")
        length += 1
        lastWasSpace = false
      case 0x20, 0x09, 0x0A, 0x0D:
        if !lastWasSpace && length > 0 {
          output[length] = 0x20
          length += 1
        }
        lastWasSpace = true
      default:
        output[length] = byte
        length += 1
        lastWasSpace = false
      }
      previous = byte
    }
    while length > 0, output[length - 1] == 0x20 || output[length - 1] == UInt8(ascii: ";") { length -= 1 }
    return length
  }
}

extension UInt8 {
  fileprivate var isDigit: Bool { self >= 0x30 && self <= 0x39 }

  fileprivate var isLetterOrUnderscore: Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
      || self == UInt8(ascii: "_") || self >= 0x80
  }
}

/// A query's literal-stripped bytes as the aggregator's cache key, hashed once with FNV-1a: keyed
/// by the text as a `String`, every log line paid for making that String and for SipHash over
/// all of it at each lookup (a tenth of `report`'s time). The digest also names a query that does
/// not parse (`text:` and its hex).
struct StrippedQuery: Hashable {
  let bytes: [UInt8]
  let digest: UInt64

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    digest = bytes.withUnsafeBufferPointer(Self.digest)
  }

  static func digest(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
  }

  var text: String { String(decoding: bytes, as: UTF8.self) }

  static func == (left: StrippedQuery, right: StrippedQuery) -> Bool {
    left.digest == right.digest && left.bytes == right.bytes
  }

  func hash(into hasher: inout Hasher) { hasher.combine(digest) }
}

