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
    let target = resolved(path)
    var info = stat()
    let exists = stat(target, &info) == 0
    if exists && (info.st_mode & S_IFMT) == S_IFDIR { throw OutputFileError(path: path, reason: "is a directory") }
    if exists && (info.st_mode & S_IFMT) != S_IFREG {
      try writeInPlace(bytes, to: target, shownAs: path)
      return
    }
    let directory = (target as NSString).deletingLastPathComponent
    let temporary = (directory.isEmpty ? "." : directory) + "/.\((target as NSString).lastPathComponent).tmp-\(getpid())"
    let mode = exists ? info.st_mode & 0o7777 : 0o644
    let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
    do throws(OutputFileError) {
      try writeAll(bytes, to: descriptor, shownAs: path)
      guard fsync(descriptor) == 0 || errno == EINVAL else { throw failure(path) }
      guard close(descriptor) == 0 else { throw failure(path) }
      guard rename(temporary, target) == 0 else { throw failure(path) }
    } catch {
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

  private static func writeInPlace(_ bytes: [UInt8], to target: String, shownAs path: String) throws(OutputFileError) {
    let descriptor = Glibc.open(target, O_WRONLY | O_CLOEXEC | O_APPEND)
    guard descriptor >= 0 else { throw failure(path) }
    defer { close(descriptor) }
    try writeAll(bytes, to: descriptor, shownAs: path)
  }

  /// `write(2)` until every byte is out; EINTR retried, anything else (ENOSPC, EPIPE, EIO) thrown.
  public static func writeAll(_ bytes: [UInt8], to descriptor: Int32, shownAs path: String) throws(OutputFileError) {
    try bytes.withUnsafeBytes { writeAll($0, to: descriptor, shownAs: path) }.get()
  }

  /// The same for text, written from the string's own storage (a report of 30 MB is not copied).
  public static func writeAll(_ text: String, to descriptor: Int32, shownAs path: String) throws(OutputFileError) {
    var text = text
    try text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: descriptor, shownAs: path) }.get()
  }

  private static func writeAll(
    _ buffer: UnsafeRawBufferPointer, to descriptor: Int32, shownAs path: String
  ) -> Result<Void, OutputFileError> {
    guard let base = buffer.baseAddress else { return .success(()) }
    var offset = 0
    while offset < buffer.count {
      let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return .failure(failure(path))
      }
      offset += written
    }
    return .success(())
  }

  private static func failure(_ path: String) -> OutputFileError {
    OutputFileError(path: path, reason: String(cString: strerror(errno)))
  }
}
