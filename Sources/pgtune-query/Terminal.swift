import Foundation
import PGTuneQuery
import PGTuneQueryReporters

/// The only place that knows about the terminal: TTY checks, colour, and writing to the streams.
enum Terminal {
  static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

  /// `--color`, set once by the command before it runs (the process is single-threaded here).
  nonisolated(unsafe) static var colorChoice = DisplayOptions.ColorChoice.auto
  /// `--quiet`: findings only, and no notes on standard error.
  nonisolated(unsafe) static var quiet = false

  /// `--color always|never` decide; `auto` colours only a terminal, and never when `NO_COLOR`
  /// is set (https://no-color.org) or `TERM=dumb`.
  static var useColor: Bool {
    switch colorChoice {
    case .always: return true
    case .never: return false
    case .auto:
      let environment = ProcessInfo.processInfo.environment
      return stdoutIsTTY && (environment["NO_COLOR"].map(\.isEmpty) ?? true) && environment["TERM"] != "dumb"
    }
  }

  /// Writes to standard output. A reader that went away (`| head`) ends the process quietly by
  /// SIGPIPE, like other Unix tools; any other failure (a full disk, a closed descriptor) is a
  /// one-line error and exit status 2 — never a trap.
  static func write(_ text: String) { write(segments: [text]) }

  /// A document in pieces, written one after another (a JSON report is never joined first).
  static func write(segments: [String]) {
    do {
      for segment in segments {
        let shown = stdoutIsTTY ? TerminalText.sanitized(segment) : segment
        try OutputFile.writeAll(shown, to: STDOUT_FILENO, shownAs: "standard output")
      }
    } catch {
      if errno == EPIPE {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
      }
      Terminal.error("cannot write to standard output: \(error.reason)")
      Foundation.exit(CommandStatus.usage.rawValue)
    }
  }

  /// Writes to standard error; if that is closed too there is nobody to tell.
  static func writeError(_ text: String) {
    var line = text.hasSuffix("\n") ? text : text + "\n"
    if isatty(STDERR_FILENO) == 1 { line = TerminalText.sanitized(line) }
    try? OutputFile.writeAll(line, to: STDERR_FILENO, shownAs: "standard error")
  }

  /// The library's diagnostics, each on a line of its own.
  static func show(_ diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics {
      switch diagnostic.level {
      case .error: error(diagnostic.message)
      case .warning: warning(diagnostic.message)
      case .note: if !quiet { writeError("pgtune-query: \(diagnostic.message)") }
      }
    }
  }

  /// How text findings look here: colour and source lines only on a terminal.
  static var textStyle: TextReporter.Style {
    TextReporter.Style(color: useColor, showSource: stdoutIsTTY && !quiet, quiet: quiet)
  }

  /// Progress drawing on standard error, without a newline.
  static func writeRaw(_ text: String) {
    try? OutputFile.writeAll(text, to: STDERR_FILENO, shownAs: "standard error")
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

/// Text from logs and SQL literals shown on a terminal: control characters (an ESC sequence that
/// retitles the window or hides text, a carriage return that overwrites a line) are shown as
/// `\u{…}` escapes. Only the colour sequences this tool writes itself (`ESC [ digits ; m`) and
/// newlines and tabs pass.
enum TerminalText {
  static func sanitized(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var output = String.UnicodeScalarView()
    var scalars = Array(text.unicodeScalars)[...]
    while let scalar = scalars.first {
      if scalar == "\u{1B}", let length = colourSequenceLength(scalars) {
        output.append(contentsOf: scalars.prefix(length))
        scalars = scalars.dropFirst(length)
        continue
      }
      if isControl(scalar) {
        output.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
      } else {
        output.append(scalar)
      }
      scalars = scalars.dropFirst()
    }
    return String(output)
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
  }

  /// `ESC [ 1 ; 33 m` and the like: the SGR sequences of our colours.
  static func colourSequenceLength(_ scalars: ArraySlice<Unicode.Scalar>) -> Int? {
    var index = scalars.startIndex + 1
    guard index < scalars.endIndex, scalars[index] == "[" else { return nil }
    index += 1
    while index < scalars.endIndex, scalars[index] == ";" || ("0"..."9").contains(scalars[index]) { index += 1 }
    guard index < scalars.endIndex, scalars[index] == "m" else { return nil }
    return index - scalars.startIndex + 1
  }
}
