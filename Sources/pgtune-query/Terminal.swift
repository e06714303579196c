import Foundation

/// The only place that knows about the terminal: TTY checks, colour, and writing to the streams.
enum Terminal {
  static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
  static var useColor: Bool {
    stdoutIsTTY && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
  }

  static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func writeError(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// `pgtune-query: error: …` on stderr.
  static func error(_ message: String) {
    writeError("pgtune-query: error: \(message)")
  }

  static func warning(_ message: String) {
    writeError("pgtune-query: warning: \(message)")
  }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal; at most every
/// 100 ms so a fast run is not slowed by drawing.
final class ProgressBar: @unchecked Sendable {
  private let label: String
  private let enabled = isatty(STDERR_FILENO) == 1
  private let lock = NSLock()
  private var lastDraw = Date.distantPast

  init(_ label: String) { self.label = label }

  func update(_ done: Int, of total: Int) {
    guard enabled, total > 0 else { return }
    lock.lock()
    defer { lock.unlock() }
    guard done == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = Date()
    let width = 30
    let filled = width * done / total
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)".utf8))
    if done == total { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }

  /// `label ███░░ 12.3 MiB of 40.0 MiB` (or a rate when the total is unknown, as for stdin).
  func update(bytes: Int, of total: Int?, startedAt start: Date) {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    guard Date().timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = Date()
    let mib = Double(bytes) / 1_048_576
    let rate = mib / max(0.001, Date().timeIntervalSince(start))
    var line = "\r\(label) "
    if let total, total > 0 {
      let width = 30
      let filled = min(width, width * bytes / total)
      line += String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
      line += String(format: " %.1f of %.1f MiB", mib, Double(total) / 1_048_576)
    } else {
      line += String(format: "%.1f MiB", mib)
    }
    line += String(format: " (%.1f MiB/s)", rate)
    FileHandle.standardError.write(Data(line.utf8))
  }

  func clear() {
    guard enabled else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
