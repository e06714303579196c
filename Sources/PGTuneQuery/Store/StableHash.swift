/// A 128-bit FNV-1a digest as 32 hex digits: stable across runs, machines and Swift versions
/// (unlike `Hasher`), which is what keys shared through Redis need. Not a security boundary.
public struct StableHash: Sendable {
  private var low: UInt64 = 0xcbf2_9ce4_8422_2325
  private var high: UInt64 = 0x6c62_272e_07bb_0142

  public init() {}

  public mutating func add(_ text: String) {
    for byte in text.utf8 { add(byte) }
    add(0x1f)  // field separator: ("ab","c") and ("a","bc") differ
  }

  public mutating func add<Bytes: Sequence<UInt8>>(bytes: Bytes) {
    for byte in bytes { add(byte) }
    add(0x1f)
  }

  private mutating func add(_ byte: UInt8) {
    low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    high = (high ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
  }

  public var hex: String {
    func pad(_ value: UInt64) -> String {
      let digits = String(value, radix: 16)
      return String(repeating: "0", count: 16 - digits.count) + digits
    }
    return pad(high) + pad(low)
  }

  public static func of(_ parts: [String]) -> String {
    var hash = StableHash()
    for part in parts { hash.add(part) }
    return hash.hex
  }
}
