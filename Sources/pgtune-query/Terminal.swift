import Foundation
import PGTuneQuery
import PGTuneQueryReporters

/// The only place that knows about the terminal: TTY checks, colour, and writing to the streams.
enum Terminal {
  static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
  static var useColor: Bool {
    let environment = ProcessInfo.processInfo.environment
    return stdoutIsTTY && (environment["NO_COLOR"].map(\.isEmpty) ?? true) && environment["TERM"] != "dumb"
  }

  /// Writes to standard output. A reader that went away (`| head`) ends the process quietly by
  /// SIGPIPE, like other Unix tools; any other failure (a full disk, a closed descriptor) is a
  /// one-line error and exit status 2 — never a trap.
  static func write(_ text: String) {
    do {
      try OutputFile.writeAll(Array(text.utf8), to: STDOUT_FILENO, shownAs: "standard output")
    } catch {
      if errno == EPIPE {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
      }
      Terminal.error("cannot write to standard output: \(error.reason)")
      Foundation.exit(ExitStatus.usage.rawValue)
    }
  }

  /// Writes to standard error; if that is closed too there is nobody to tell.
  static func writeError(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    try? OutputFile.writeAll(Array(line.utf8), to: STDERR_FILENO, shownAs: "standard error")
  }

  /// The library's diagnostics, each on a line of its own.
  static func show(_ diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics {
      switch diagnostic.level {
      case .error: error(diagnostic.message)
      case .warning: warning(diagnostic.message)
      case .note: writeError("pgtune-query: \(diagnostic.message)")
      }
    }
  }

  /// How text findings look here: colour and source lines only on a terminal.
  static var textStyle: TextReporter.Style { TextReporter.Style(color: useColor, showSource: stdoutIsTTY) }

  /// Progress drawing on standard error, without a newline.
  static func writeRaw(_ text: String) {
    try? OutputFile.writeAll(Array(text.utf8), to: STDERR_FILENO, shownAs: "standard error")
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
    Terminal.writeRaw("\r\(label) \(bar) \(done)/\(total)")
    if done == total { Terminal.writeRaw("\r\u{1B}[K") }
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
    Terminal.writeRaw(line)
  }

  func clear() {
    guard enabled else { return }
    Terminal.writeRaw("\r\u{1B}[K")
  }
}
