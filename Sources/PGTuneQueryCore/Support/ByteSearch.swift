import Foundation

extension UnsafeBufferPointer<UInt8> {
  /// Where the ASCII `needle` first occurs at or after `start`: memchr for its first byte, memcmp
  /// for the rest (glibc's memmem is not in the Swift module).
  package func firstOffset(of needle: StaticString, from start: Int = 0) -> Int? {
    let count = needle.utf8CodeUnitCount
    guard count > 0, self.count >= count, let base = baseAddress else { return nil }
    let first = Int32(needle.utf8Start[0])
    var from = start
    let last = self.count - count
    while from <= last, let hit = memchr(base + from, first, last - from + 1) {
      let offset = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
      if memcmp(base + offset, needle.utf8Start, count) == 0 { return offset }
      from = offset + 1
    }
    return nil
  }
}

extension Substring {
  /// The first occurrence of the ASCII `needle`, found on the text's UTF-8 bytes. Foundation's
  /// `range(of:)` bridges the text to UTF-16 first: on a plan line holding a long query it cost
  /// more than reading the whole plan.
  package func firstASCIIRange(of needle: StaticString) -> Range<Index>? {
    let utf8 = self.utf8
    func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? { bytes.firstOffset(of: needle) }
    guard let found = utf8.withContiguousStorageIfAvailable(search) ?? Array(utf8).withUnsafeBufferPointer(search) else { return nil }
    let lower = utf8.index(utf8.startIndex, offsetBy: found)
    return lower..<utf8.index(lower, offsetBy: needle.utf8CodeUnitCount)
  }
}

extension String {
  /// The text cut at line feeds: what `split(separator: "\n", omittingEmptySubsequences:)` gives,
  /// cut on bytes. A line feed is a character of its own except after a carriage return (`\r\n`
  /// is one character, which the character split does not cut), so a text with a carriage return
  /// is cut the character way; the byte way is ten times cheaper on a long plan.
  package func lineFeedSeparated(omittingEmptySubsequences: Bool) -> [Substring] {
    let utf8 = self.utf8
    if utf8.contains(0x0D) { return split(separator: "\n", omittingEmptySubsequences: omittingEmptySubsequences) }
    return utf8.split(separator: 0x0A, omittingEmptySubsequences: omittingEmptySubsequences).map { Substring($0) }
  }
}
