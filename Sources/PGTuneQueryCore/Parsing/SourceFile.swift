import Foundation

/// The bytes of one input (a file or standard input) and the name to show for it.
public struct SourceFile: Sendable {
  public let name: String
  public let bytes: [UInt8]
  /// The same bytes and a NUL, kept once so that every statement of a large file can be handed to
  /// libpg_query without copying the whole file again.
  private let nulTerminated: [UInt8]

  /// A leading UTF-8 byte order mark (Windows editors write one) is dropped: it is not SQL, and
  /// left in it made the first statement a syntax error at 1:1. Columns count from after it.
  public init(name: String, bytes: [UInt8]) {
    self.name = name
    let text = bytes.starts(with: Self.byteOrderMark) ? Array(bytes.dropFirst(Self.byteOrderMark.count)) : bytes
    self.bytes = text
    self.nulTerminated = text + [0]
  }

  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

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
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SourceError(file: name, message: "cannot be read (check its permissions)")
    }
    let source = SourceFile(name: name, bytes: [UInt8](data))
    try source.validate()
    return source
  }

  /// Rejects input that cannot be SQL: a NUL byte (binary file) or invalid UTF-8.
  public func validate() throws(SourceError) {
    if let nul = bytes.firstIndex(of: 0) {
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

  package func withNulTerminated<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
    nulTerminated.withUnsafeBufferPointer(body)
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
