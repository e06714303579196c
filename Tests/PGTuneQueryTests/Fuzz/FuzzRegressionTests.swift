import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// Every crash `make fuzz` found, kept as its minimized input (`Fixtures/fuzz/regressions/`,
/// named `<harness>-<what>.…`) and run here through the same code the harness calls.
@Suite struct FuzzRegressionTests {
  static let directory = Repository.path("Fixtures/fuzz/regressions")
  static var inputs: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() }

  @Test(arguments: inputs)
  func regressionInputIsHandled(name: String) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/\(name)")))
    if name.hasPrefix("statements-") {
      // Raw bytes, as the harness feeds them: invalid UTF-8 included (files are validated first).
      let files = Analyzer(jobs: 1).analyze([SourceFile(name: name, bytes: bytes)])
      #expect(!files[0].statements.isEmpty)
    }
  }

  @Test func thereAreRegressionInputs() { #expect(!Self.inputs.isEmpty) }
}
