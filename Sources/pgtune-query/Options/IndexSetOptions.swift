import ArgumentParser
import Foundation
import PGTuneQuery

/// A size on the command line: `500MB`, `1.5GB`, `64kB`, or a plain number of bytes. Units are
/// powers of 1024, as PostgreSQL reads memory settings (`kB`, `MB`, `GB`, `TB`; `KiB`… too).
struct ByteSize: ExpressibleByArgument, Equatable {
  let bytes: Double

  init?(argument: String) {
    let text = argument.trimmingCharacters(in: .whitespaces)
    let (kib, mib, gib, tib) = (1_024.0, 1_048_576.0, 1_073_741_824.0, 1_099_511_627_776.0)
    let units: [(String, Double)] = [
      ("TiB", tib), ("GiB", gib), ("MiB", mib), ("KiB", kib), ("TB", tib), ("GB", gib), ("MB", mib), ("kB", kib),
      ("KB", kib), ("B", 1),
    ]
    for (suffix, factor) in units where text.hasSuffix(suffix) {
      guard let number = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number > 0 else {
        return nil
      }
      bytes = number * factor
      return
    }
    guard let number = Double(text), number > 0 else { return nil }
    bytes = number
  }
}

/// Limits of the one index set `analyze` chooses for the whole workload (with hypopg).
struct IndexSetOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Disk the workload's index set may use in all: 500MB, 2GB (units of 1024, as PostgreSQL's). Indexes that do not fit are listed as left out.",
      valueName: "size"))
  var storageBudget: ByteSize?

  @Option(help: ArgumentHelp("At most this many indexes in the workload's index set.", valueName: "n"))
  var maxIndexes: Int?

  func validate() throws {
    if let maxIndexes, maxIndexes < 1 { throw ValidationError("--max-indexes must be at least 1") }
  }

  var workload: WorkloadOptions { WorkloadOptions(storageBudget: storageBudget?.bytes, maxIndexes: maxIndexes) }
}
