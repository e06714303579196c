import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

/// Where a command's rendered results go: standard output, or `--output FILE` (then the text
/// report still goes to the terminal, for the person watching the CI log).
enum Output {
  static func emit<Input>(
    _ format: OutputFormat<Input>, _ input: Input, to path: String?, terminalText: OutputFormat<Input>? = nil
  ) throws {
    guard let path else { return Terminal.write(segments: format.segments(input)) }
    do {
      try OutputFile.write(parts: format.segments(input), to: path)
    } catch {
      Terminal.error("cannot write the report: \(error.localizedDescription)")
      throw ExitCode(CommandStatus.usage.rawValue)
    }
    if let terminalText { Terminal.write(terminalText.render(input)) }
  }
}

extension CommandStatus {
  /// Ends the command with this status (success returns normally).
  func exit() throws {
    if self != .success { throw ExitCode(rawValue) }
  }
}
