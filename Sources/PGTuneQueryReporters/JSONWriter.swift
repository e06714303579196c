/// Writes JSON straight into bytes. Reports for tens of thousands of statements are written in
/// one pass, so this avoids Foundation's encoders and their intermediate objects.
public struct JSONWriter: Sendable {
  public private(set) var bytes: [UInt8] = []
  /// What came before `bytes`, in order: the parts added by `appendElements(of:)` (kept as they
  /// are, not copied) and what was written between them.
  private var segments: [String] = []
  private var needsComma: [Bool] = [false]
  private let indentUnit: Int
  private var pretty: Bool { indentUnit > 0 }

  /// - Parameter indent: spaces per level; 0 writes compact JSON.
  public init(indent: Int = 0) {
    self.indentUnit = indent
    bytes.reserveCapacity(4096)
  }

  /// A writer for some of the elements of an array that sits `depth` containers deep in another
  /// writer's document, to be joined into it with `appendElements(of:)`: the parts of one long
  /// array are written on several threads.
  public init(indent: Int = 0, elementsAtDepth depth: Int) {
    self.init(indent: indent)
    needsComma = Array(repeating: false, count: depth + 1)
  }

  /// Appends the elements other writers made with `init(indent:elementsAtDepth:)`, each turned
  /// into text where it was written (`string`, on the thread that wrote it), to the array this
  /// writer has open. The parts are kept as they are, not copied into `bytes`: turning 40 MB of
  /// bytes into a string, which checks the UTF-8, took tens of milliseconds on the one thread that
  /// joins the parts, and `takeSegments` hands them out without joining them at all.
  public mutating func appendElements(of parts: [String]) {
    for part in parts where !part.isEmpty {
      if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
      flushBytes()
      segments.append(part)
      needsComma[needsComma.count - 1] = true
    }
  }

  /// The document so far.
  public var string: String { segments.joined() + String(decoding: bytes, as: UTF8.self) }

  /// The document (for the writer's last use).
  public mutating func takeString() -> String {
    flushBytes()
    return segments.count == 1 ? segments[0] : segments.joined()
  }

  /// The document as the pieces it was made of, in order, for output that writes them one after
  /// another: a report of 15 MB is never copied into one string.
  public mutating func takeSegments() -> [String] {
    flushBytes()
    return segments
  }

  private mutating func flushBytes() {
    guard !bytes.isEmpty else { return }
    segments.append(String(decoding: bytes, as: UTF8.self))
    bytes.removeAll(keepingCapacity: true)
  }

  /// The newline that ends a document on standard output or in a file.
  public mutating func endDocument() { bytes.append(0x0A) }

  public mutating func beginObject() { openContainer(UInt8(ascii: "{")) }
  public mutating func endObject() { closeContainer(UInt8(ascii: "}")) }
  public mutating func beginArray() { openContainer(UInt8(ascii: "[")) }
  public mutating func endArray() { closeContainer(UInt8(ascii: "]")) }

  /// Starts a member of the current object; follow it with one value.
  public mutating func key(_ name: String) {
    separate()
    appendString(name)
    bytes.append(UInt8(ascii: ":"))
    if pretty { bytes.append(0x20) }
    needsComma[needsComma.count - 1] = false
    pendingValueAfterKey = true
  }

  /// `"key": value` in one call.
  public mutating func field(_ name: String, _ text: String?) {
    key(name)
    value(text)
  }

  public mutating func field(_ name: String, _ number: Int) {
    key(name)
    value(number)
  }

  public mutating func field(_ name: String, _ number: Double) {
    key(name)
    value(number)
  }

  /// A number that may be unknown: `null` then.
  public mutating func field(_ name: String, _ number: Int?) {
    key(name)
    if let number { value(number) } else { null() }
  }

  public mutating func field(_ name: String, _ number: Double?) {
    key(name)
    if let number { value(number) } else { null() }
  }

  public mutating func field(_ name: String, utf8 bytes: ArraySlice<UInt8>) {
    key(name)
    value(utf8: bytes)
  }

  /// `"name":["a","b"]`.
  public mutating func field(_ name: String, strings: [String]) {
    key(name)
    beginArray()
    for text in strings { value(text) }
    endArray()
  }

  public mutating func field(_ name: String, _ flag: Bool) {
    key(name)
    value(flag)
  }

  public mutating func value(_ text: String?) {
    beginValue()
    if let text { appendString(text) } else { appendLiteral("null") }
  }

  public mutating func value(_ number: Int) {
    beginValue()
    appendLiteral(String(number))
  }

  public mutating func value(_ number: Double) {
    beginValue()
    appendLiteral(number.isFinite ? String(number) : "null")
  }

  public mutating func value(_ flag: Bool) {
    beginValue()
    appendLiteral(flag ? "true" : "false")
  }

  public mutating func null() {
    beginValue()
    appendLiteral("null")
  }

  /// Inserts already-encoded JSON as one value.
  public mutating func raw(_ json: String) {
    beginValue()
    bytes.append(contentsOf: json.utf8)
  }

  // MARK: - Layout

  private var pendingValueAfterKey = false

  private mutating func beginValue() {
    if pendingValueAfterKey {
      pendingValueAfterKey = false
    } else {
      separate()
    }
    needsComma[needsComma.count - 1] = true
  }

  private mutating func separate() {
    if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
    if pretty && needsComma.count > 1 { newline() }
  }

  private mutating func openContainer(_ byte: UInt8) {
    beginValue()
    bytes.append(byte)
    needsComma.append(false)
  }

  private mutating func closeContainer(_ byte: UInt8) {
    let hadMembers = needsComma.removeLast()
    if pretty && hadMembers { newline() }
    bytes.append(byte)
  }

  private mutating func newline() {
    bytes.append(0x0A)
    bytes.append(contentsOf: repeatElement(0x20, count: (needsComma.count - 1) * indentUnit))
  }

  private mutating func appendLiteral(_ text: String) { bytes.append(contentsOf: text.utf8) }

  private mutating func appendString(_ text: String) {
    var text = text
    text.withUTF8 { appendString(utf8: $0) }
  }

  /// A string value given as UTF-8 bytes (e.g. a slice of a source file), without making a String.
  public mutating func value(utf8 bytes: ArraySlice<UInt8>) {
    beginValue()
    bytes.withUnsafeBufferPointer { appendString(utf8: $0) }
  }

  /// Copies runs of bytes that need no escaping in one go; only quotes, backslashes and control
  /// characters are handled one by one. Eight bytes at a time are passed over with a few word
  /// operations when none of them needs escaping (most of a query's text).
  private mutating func appendString(utf8 text: UnsafeBufferPointer<UInt8>) {
    bytes.append(UInt8(ascii: "\""))
    var runStart = 0
    var index = 0
    let raw = UnsafeRawPointer(text.baseAddress)
    while index < text.count {
      if let raw, index + 8 <= text.count, !Self.mayNeedEscaping(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
        index += 8
        continue
      }
      let byte = text[index]
      index += 1
      guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
      let escaped = index - 1
      if escaped > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<escaped])) }
      runStart = index
      // Byte by byte: an array literal per escape was an allocation per newline of every query.
      bytes.append(0x5C)
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
      case 0x0A: bytes.append(UInt8(ascii: "n"))
      case 0x0D: bytes.append(UInt8(ascii: "r"))
      case 0x09: bytes.append(UInt8(ascii: "t"))
      default:
        bytes.append(UInt8(ascii: "u"))
        bytes.append(0x30)
        bytes.append(0x30)
        bytes.append(Self.hexDigit(byte >> 4))
        bytes.append(Self.hexDigit(byte & 15))
      }
    }
    if text.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<text.count])) }
    bytes.append(UInt8(ascii: "\""))
  }

  private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : UInt8(ascii: "a") + value - 10 }

  /// Whether one of the eight bytes may be a control character, a quote or a backslash (no false
  /// negatives; a rare false positive only sends the word to the byte loop).
  private static func mayNeedEscaping(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
    let control = (word &- ones &* 0x20) & ~word & highs != 0
    return control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
  }
}
