import Foundation

/// A file the user named for output (`--output`, `--baseline`) could not be written.
public struct OutputFileError: Error, LocalizedError, Sendable, Equatable {
  public let path: String
  public let reason: String
  public var errorDescription: String? { "\(path): \(reason)" }
}

/// Writes what the user asked for to the path they named, without replacing what the path is.
///
/// A regular file (or a symlink to one: its target) is written to a temporary file beside it and
/// renamed over it, so a crash or a full disk never leaves half a baseline. Anything else — a
/// device such as `/dev/stdout`, a FIFO, a terminal — is written in place: renaming over it would
/// replace the device node with a regular file that nothing reads.
public enum OutputFile {
  public static func write(_ bytes: [UInt8], to path: String) throws(OutputFileError) {
    try write(to: path) { descriptor throws(OutputFileError) in try writeAll(bytes, to: descriptor, shownAs: path) }
  }

  /// The same for text, written from the string's own storage (a report of 40 MB is not copied).
  public static func write(_ text: String, to path: String) throws(OutputFileError) {
    try write(to: path) { descriptor throws(OutputFileError) in try writeAll(text, to: descriptor, shownAs: path) }
  }

  /// The same for a document in parts, written one after another (never joined into one string).
  public static func write(parts: [String], to path: String) throws(OutputFileError) {
    try write(to: path) { descriptor throws(OutputFileError) in
      for part in parts { try writeAll(part, to: descriptor, shownAs: path) }
    }
  }

  /// Opens what `path` names as the rules above say, has `emit` write to it, and puts it in place.
  private static func write(
    to path: String, _ emit: (Int32) throws(OutputFileError) -> Void
  ) throws(OutputFileError) {
    let target = resolved(path)
    var info = stat()
    let exists = stat(target, &info) == 0
    if exists && (info.st_mode & S_IFMT) == S_IFDIR { throw OutputFileError(path: path, reason: "is a directory") }
    if exists && (info.st_mode & S_IFMT) != S_IFREG {
      let descriptor = Glibc.open(target, O_WRONLY | O_CLOEXEC | O_APPEND)
      guard descriptor >= 0 else { throw failure(path) }
      defer { close(descriptor) }
      try emit(descriptor)
      return
    }
    let directory = (target as NSString).deletingLastPathComponent
    let temporary = (directory.isEmpty ? "." : directory) + "/.\((target as NSString).lastPathComponent).tmp-\(getpid())"
    let mode = exists ? info.st_mode & 0o7777 : 0o644
    let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
    var closed = false
    do throws(OutputFileError) {
      try emit(descriptor)
      guard fsync(descriptor) == 0 || errno == EINVAL else { throw failure(path) }
      closed = true
      guard close(descriptor) == 0 else { throw failure(path) }
      guard rename(temporary, target) == 0 else { throw failure(path) }
    } catch {
      // A full disk: the descriptor is not leaked, and no half-written file is left beside the target.
      if !closed { close(descriptor) }
      unlink(temporary)
      throw error
    }
  }

  /// The final target of a chain of symlinks (relative links resolved against their directory).
  static func resolved(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
      current = link.hasPrefix("/") ? link : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(link)
    }
    return current
  }

  /// `write(2)` until every byte is out; EINTR retried, anything else (ENOSPC, EPIPE, EIO) thrown.
  public static func writeAll(_ bytes: [UInt8], to descriptor: Int32, shownAs path: String) throws(OutputFileError) {
    try withBytes(of: bytes) { buffer throws(OutputFileError) in try writeAll(buffer, to: descriptor, shownAs: path) }
  }

  /// The same for text, written from the string's own storage.
  public static func writeAll(_ text: String, to descriptor: Int32, shownAs path: String) throws(OutputFileError) {
    try withBytes(of: text) { buffer throws(OutputFileError) in try writeAll(buffer, to: descriptor, shownAs: path) }
  }

  private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, shownAs path: String) throws(OutputFileError) {
    guard let base = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw failure(path)
      }
      offset += written
    }
  }

  /// `body` over the bytes in place, its typed error kept (the closures of `withUnsafeBytes` and
  /// `withUTF8` rethrow only untyped errors, so the error travels back as a `Result`).
  private static func withBytes(
    of bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(OutputFileError) -> Void
  ) throws(OutputFileError) {
    try bytes.withUnsafeBytes { buffer in Result { () throws(OutputFileError) in try body(buffer) } }.get()
  }

  private static func withBytes(
    of text: String, _ body: (UnsafeRawBufferPointer) throws(OutputFileError) -> Void
  ) throws(OutputFileError) {
    var text = text
    try text.withUTF8 { utf8 in Result { () throws(OutputFileError) in try body(UnsafeRawBufferPointer(utf8)) } }.get()
  }

  private static func failure(_ path: String) -> OutputFileError {
    OutputFileError(path: path, reason: String(cString: strerror(errno)))
  }
}
