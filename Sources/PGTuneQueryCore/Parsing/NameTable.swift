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

  @inline(__always)
  static func hash(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for index in 0..<count {
      hash = (hash ^ UInt64(pointer[index])) &* 0x100_0000_01b3
    }
    return Int(truncatingIfNeeded: hash ^ (hash >> 29))
  }

  /// The id of the name stored at `pointer`, or nil for a name the table does not know.
  func lookup(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    var slot = Self.hash(pointer, count) & mask
    return bytes.withUnsafeBufferPointer { stored in
      while true {
        let id = Int(slots[slot])
        if id < 0 { return nil }
        let start = offsets[id]
        if offsets[id + 1] - start == count && memcmp(stored.baseAddress! + start, pointer, count) == 0 {
          return id
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
