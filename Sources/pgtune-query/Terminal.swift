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
