import ArgumentParser

/// The documented exit codes (see `--help`, the man page and the README).
enum ExitStatus: Int32 {
  /// Nothing at or above `--fail-on`.
  case success = 0
  /// Findings at or above `--fail-on`.
  case findings = 1
  /// Usage error or unreadable input.
  case usage = 2
  /// Database or connection error.
  case database = 3
  /// `report`: input was read but no query was recognized.
  case noQueries = 4

  var exitCode: ExitCode { ExitCode(rawValue) }
}
