import ArgumentParser
import Foundation
import PGTuneQuery

/// `--color` and `--quiet`: how the text report looks on the terminal.
struct DisplayOptions: ParsableArguments {
  enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
  }

  @Option(
    help: ArgumentHelp(
      "Colour the text report: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, never.",
      valueName: "when"))
  var color: ColorChoice = .auto

  @Flag(name: [.customShort("q"), .long], help: "Print findings only: no plan lines, no summary, no notes.")
  var quiet = false

  /// Applies the choices to the terminal for this run.
  func apply() {
    Terminal.colorChoice = color
    Terminal.quiet = quiet
  }
}
