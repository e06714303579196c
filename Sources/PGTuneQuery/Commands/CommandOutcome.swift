/// Something a command has to tell its user besides its results: an unreadable file, a tier that
/// is down, a partial run. The command line prints these; the library never does.
public struct Diagnostic: Sendable, Equatable {
  public enum Level: String, Sendable { case note, warning, error }

  public let level: Level
  public let message: String

  public init(_ level: Level, _ message: String) {
    self.level = level
    self.message = message
  }
}

/// How a command ended, as the documented exit statuses (see `--help`, the man page, the README).
public enum CommandStatus: Int32, Sendable, Comparable {
  /// Nothing at or above `--fail-on`.
  case success = 0
  /// Findings at or above `--fail-on`, or a regression.
  case findings = 1
  /// Usage error, unreadable input, unusable baseline.
  case usage = 2
  /// Database or connection error.
  case database = 3
  /// `report`, `warm`, `history`: the input was read but held nothing to report.
  case noQueries = 4

  public static func < (a: CommandStatus, b: CommandStatus) -> Bool { a.rawValue < b.rawValue }
}

/// The status for findings: `findings` when one is at or above `failOn`.
func findingsStatus(_ files: [FileAnalysis], failOn: Severity) -> CommandStatus {
  // By index: flattening the statements copied each analysis (a dozen references retained and
  // released) to read one severity.
  for file in files.indices {
    for statement in files[file].statements.indices
    where files[file].statements[statement].findings.contains(where: { $0.severity >= failOn }) {
      return .findings
    }
  }
  return .success
}
