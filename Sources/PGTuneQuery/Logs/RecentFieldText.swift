import Foundation

/// The last text the stderr reader made for each of a prefix's short fields (pid, user,
/// database), known by its bytes: they repeat line after line, and making a String of the same
/// few bytes again — validation and all — was a third of reading a prefix.
struct RecentFieldText {
  /// One field's last text, with up to 16 of its bytes held inline (longer ones are not kept).
  struct Slot {
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private var count = -1
    private var text = ""

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
      guard bytes.count <= 16, let base = bytes.baseAddress else { return String(decoding: bytes, as: UTF8.self) }
      var words: (UInt64, UInt64) = (0, 0)
      withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
      if bytes.count == count, words.0 == low, words.1 == high { return text }
      (low, high, count) = (words.0, words.1, bytes.count)
      text = String(decoding: bytes, as: UTF8.self)
      return text
    }
  }

  var pid = Slot()
  var user = Slot()
  var database = Slot()
}
