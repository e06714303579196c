/// Interns the node and field names of libpg_query's JSON into `NodeKind` / `FieldName` without
/// building Strings: an open-addressing table over the raw bytes, built once per process.
struct NameTable: Sendable {
  private let slots: [Int32]
  private let mask: Int
  private let bytes: [UInt8]
  private let offsets: [Int]

  init(names: [String]) {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]
    for name in names {
      bytes.append(contentsOf: name.utf8)
      offsets.append(bytes.count)
    }
    var size = 16
    while size < names.count * 4 { size <<= 1 }
    var slots = [Int32](repeating: -1, count: size)
    for id in names.indices {
      var slot = bytes.withUnsafeBufferPointer {
        Self.hash($0.baseAddress! + offsets[id], offsets[id + 1] - offsets[id])
      } & (size - 1)
      while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
      slots[slot] = Int32(id)
    }
    self.slots = slots
    self.mask = size - 1
    self.bytes = bytes
    self.offsets = offsets
  }

  /// Names are 2–40 bytes: the length and the first and last eight bytes tell them apart almost
  /// always (the table checks the whole name anyway), read as two words instead of byte by byte.
  @inline(__always)
  static func hash(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int {
    hash(words(pointer, count), count)
  }

  @inline(__always)
  private static func hash(_ words: (first: UInt64, last: UInt64), _ count: Int) -> Int {
    var hash = (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15) ^ words.first
    hash = (hash ^ (hash >> 32)) &* 0xD6E8_FEB8_6659_FD93
    hash ^= words.last
    hash = (hash ^ (hash >> 32)) &* 0xD6E8_FEB8_6659_FD93
    return Int(truncatingIfNeeded: hash ^ (hash >> 29))
  }

  /// Two words that hold every byte of the name, so that with its length they are the name: the
  /// first and last eight bytes (overlapping under 16), the first and last four under 8, the
  /// first, middle and last byte under 4. Never a byte outside the name.
  @inline(__always)
  private static func words(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> (first: UInt64, last: UInt64) {
    let raw = UnsafeRawPointer(pointer)
    if count >= 8 {
      return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
    }
    if count >= 4 {
      let low = UInt64(raw.loadUnaligned(as: UInt32.self))
      let high = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
      return (low | high << 32, 0)
    }
    if count == 0 { return (0, 0) }
    return (UInt64(pointer[0]) | UInt64(pointer[count >> 1]) << 8 | UInt64(pointer[count - 1]) << 16, 0)
  }

  /// The id of the name stored at `pointer`, or nil for a name the table does not know.
  func lookup(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    let words = Self.words(pointer, count)
    var slot = Self.hash(words, count) & mask
    return bytes.withUnsafeBufferPointer { stored in
      while true {
        let id = Int(slots[slot])
        if id < 0 { return nil }
        let start = offsets[id]
        if offsets[id + 1] - start == count {
          let candidate = stored.baseAddress! + start
          // Up to 16 bytes the words are the whole name; past that, the middle is compared too.
          if Self.words(candidate, count) == words
            && (count <= 16 || memcmp(candidate + 8, pointer + 8, count - 16) == 0)
          {
            return id
          }
        }
        slot = (slot + 1) & mask
      }
    }
  }

  static let nodeKinds = NameTable(names: NodeKind.spellings)
  static let fieldNames = NameTable(names: FieldName.spellings)
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
