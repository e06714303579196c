import Foundation

/// The bytes of one input (a file or standard input) and the name to show for it.
public struct SourceFile: Sendable {
  public let name: String
  /// The text. Its storage holds a NUL after the last byte, in capacity past `count` (see
  /// `withNulTerminated`): every statement of a large file can then be handed to libpg_query in
  /// place, and the file is held once, not twice.
  public let bytes: [UInt8]

  /// A leading UTF-8 byte order mark (Windows editors write one) is dropped: it is not SQL, and
  /// left in it made the first statement a syntax error at 1:1. Columns count from after it.
  public init(name: String, bytes: [UInt8]) {
    self.init(name: name, nulTerminated: Self.withTrailingNul(bytes[...]))
  }

  private init(name: String, nulTerminated bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
  }

  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// `text` without a leading byte order mark, in an array whose capacity holds a NUL after it.
  private static func withTrailingNul(_ text: ArraySlice<UInt8>) -> [UInt8] {
    let body = text.starts(with: byteOrderMark) ? text.dropFirst(byteOrderMark.count) : text
    return [UInt8](unsafeUninitializedCapacity: body.count + 1) { buffer, initialized in
      initialized = buffer.initialize(fromContentsOf: body)
      buffer[initialized] = 0
    }
  }

  /// Reads a file and checks that it is SQL text: readable, not a directory, not binary, UTF-8.
  public static func read(path: String, displayName: String? = nil) throws(SourceError) -> SourceFile {
    let name = displayName ?? path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw SourceError(file: name, message: "no such file")
    }
    if isDirectory.boolValue {
      throw SourceError(file: name, message: "is a directory; pass the SQL files in it (e.g. \(name)/*.sql)")
    }
    guard let bytes = readAll(path) else {
      throw SourceError(file: name, message: "cannot be read (check its permissions)")
    }
    let source = SourceFile(name: name, nulTerminated: bytes)
    try source.validate()
    return source
  }

  /// A file's bytes (byte order mark dropped) in an array with room for the NUL; nil when it
  /// cannot be opened or read. A regular file is read straight into an array of its size
  /// (reading through `Data` copied a large file twice more); a pipe or a device (`<(…)`,
  /// /dev/stdin) is read to its end.
  private static func readAll(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return nil }
    guard status.st_mode & S_IFMT == S_IFREG else {
      let (bytes, failed) = readToEnd(descriptor)
      return failed ? nil : withTrailingNul(bytes[...])
    }
    let size = Int(status.st_size)
    var failed = false
    var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      while initialized < size {
        let count = Foundation.read(descriptor, base + initialized, size - initialized)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 {
          // An error, or a file that shrank while it was read: what was read is what there is.
          failed = count < 0
          break
        }
        initialized += count
      }
      buffer[initialized] = 0
    }
    if failed { return nil }
    if bytes.starts(with: byteOrderMark) { bytes = withTrailingNul(bytes[...]) }
    return bytes
  }

  /// What `descriptor` gives until its end (a pipe, a device, standard input), with `read(2)`:
  /// a closed descriptor reads as empty (FileHandle traps on one). `failed`: a read error ended it.
  package static func readToEnd(_ descriptor: Int32) -> (bytes: [UInt8], failed: Bool) {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return (bytes, count < 0) }
      bytes += chunk[..<count]
    }
  }

  /// Rejects input that cannot be SQL: a NUL byte (binary file) or invalid UTF-8.
  public func validate() throws(SourceError) {
    if let nul = Self.firstNul(bytes) {
      let position = SourceText(bytes: bytes).position(ofByte: nul)
      throw SourceError(
        file: name, message: "\(position): binary data (NUL byte), not SQL text")
    }
    if let bad = Self.firstInvalidUTF8(bytes) {
      let position = SourceText(bytes: Array(bytes[..<bad])).position(ofByte: bad)
      throw SourceError(
        file: name,
        message: "\(position): invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16))); convert the file to UTF-8")
    }
  }

  /// `memchr`: scanning a large file byte by byte for a NUL took milliseconds.
  private static func firstNul(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress, let found = memchr(base, 0, raw.count) else { return nil }
      return UnsafeRawPointer(found) - base
    }
  }

  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { firstInvalidUTF8(in: $0) }
  }

  /// SQL is mostly ASCII: eight ASCII bytes are passed over with one load and one test.
  private static func firstInvalidUTF8(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    var index = 0
    while index < bytes.count {
      if index + 8 <= bytes.count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
        index += 8
        continue
      }
      let lead = bytes[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      let length: Int
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return index
      }
      guard index + length <= bytes.count else { return index }
      for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return index }
      let second = bytes[index + 1]
      if (lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)
        || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)
      {
        return index
      }
      index += length
    }
    return nil
  }

  /// The bytes and the NUL after them. The NUL sits in the array's capacity past its count: the
  /// array is never mutated (`bytes` is a constant, and a copy someone mutates gets storage of
  /// its own while this one holds the buffer), so it stays there.
  package func withNulTerminated<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
    bytes.withUnsafeBufferPointer { text in
      guard let base = text.baseAddress, bytes.capacity > text.count, base[text.count] == 0 else {
        return (bytes + [0]).withUnsafeBufferPointer(body)
      }
      return body(UnsafeBufferPointer(start: base, count: text.count + 1))
    }
  }
}

/// An input that cannot be analyzed at all; its text names the file and what to do.
public struct SourceError: Error, LocalizedError, Sendable, Equatable {
  public let file: String
  public let message: String
  public var errorDescription: String? { "\(file): \(message)" }
  package init(file: String, message: String) {
    self.file = file
    self.message = message
  }
}
