/// The bytes every tier holds: a fixed header, then the payload, zlib-compressed when it is
/// over `compressionThreshold`. The header carries the expiry so a value promoted from a lower
/// tier keeps its remaining lifetime, and a magic number so a foreign or damaged value reads as
/// a miss instead of garbage.
///
///     offset 0  "PGTQ"   magic
///            4  1        format version
///            5  flags    bit 0: payload is zlib-compressed
///            6  0 0      reserved
///            8  Int64    expiry, milliseconds since the epoch, little-endian; 0 = none
///           16  UInt32   payload length before compression, little-endian
///           20  payload
public struct ValueEnvelope: Sendable, Equatable {
  public static let compressionThreshold = 1_024
  static let magic: [UInt8] = Array("PGTQ".utf8)
  static let headerSize = 20
  static let formatVersion: UInt8 = 1

  public let payload: [UInt8]
  /// Milliseconds since the epoch; nil when the value does not expire.
  public let expiresAt: Int64?
  /// Whether the stored form was compressed (for tests and `cache stats`).
  public let wasCompressed: Bool

  public init(payload: [UInt8], expiresAt: Int64?) {
    self.payload = payload
    self.expiresAt = expiresAt
    wasCompressed = payload.count > Self.compressionThreshold
  }

  private init(payload: [UInt8], expiresAt: Int64?, wasCompressed: Bool) {
    self.payload = payload
    self.expiresAt = expiresAt
    self.wasCompressed = wasCompressed
  }

  public func isExpired(now: Int64 = StoreClock.now()) -> Bool { (expiresAt ?? .max) <= now }

  /// Whole seconds left to live (rounded up), nil for no expiry: the TTL for a tier the value
  /// is promoted into.
  public func remainingTTL(now: Int64 = StoreClock.now()) -> Int? {
    expiresAt.map { Int(max(1, ($0 - now + 999) / 1_000)) }
  }

  public func encoded() -> [UInt8] {
    var body = payload
    var flags: UInt8 = 0
    if payload.count > Self.compressionThreshold, let compressed = Zlib.compress(payload), compressed.count < payload.count {
      body = compressed
      flags |= 1
    }
    var bytes = Self.magic + [Self.formatVersion, flags, 0, 0]
    bytes.reserveCapacity(Self.headerSize + body.count)
    withUnsafeBytes(of: (expiresAt ?? 0).littleEndian) { bytes.append(contentsOf: $0) }
    withUnsafeBytes(of: UInt32(clamping: payload.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: body)
    return bytes
  }

  /// Nil for bytes that are not an envelope of a known version, or whose payload does not inflate.
  public static func decode(_ bytes: [UInt8]) -> ValueEnvelope? {
    guard bytes.count >= headerSize, Array(bytes[0..<4]) == magic, bytes[4] == formatVersion else { return nil }
    let flags = bytes[5]
    var expiry: Int64 = 0
    var length: UInt32 = 0
    bytes.withUnsafeBytes { raw in
      expiry = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: Int64.self))
      length = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
    }
    let body = Array(bytes[headerSize...])
    let compressed = flags & 1 != 0
    let payload: [UInt8]
    if compressed {
      guard let inflated = Zlib.decompress(body, length: Int(length)) else { return nil }
      payload = inflated
    } else {
      guard body.count == Int(length) else { return nil }
      payload = body
    }
    return ValueEnvelope(payload: payload, expiresAt: expiry == 0 ? nil : expiry, wasCompressed: compressed)
  }

}
