import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The man page is generated from the command definitions (`make man`); these tests fail when the
/// committed page is stale or malformed.
@Suite struct ManPageTests {
  private let committed = Repository.path("man/pgtune-query.1")

  /// `make test` regenerates the page into `.build/man-check/` before running the tests.
  @Test(.enabled(if: FileManager.default.fileExists(atPath: Repository.path(".build/man-check/pgtune-query.1"))
    || TestServices.servicesRequired, "run `make test` to regenerate the page for comparison"))
  func committedPageMatchesTheCommands() throws {
    let fresh = try String(contentsOfFile: Repository.path(".build/man-check/pgtune-query.1"), encoding: .utf8)
    let page = try String(contentsOfFile: committed, encoding: .utf8)
    #expect(fresh == page, "man/pgtune-query.1 is stale: run `make man` and commit it")
  }

  @Test func documentsEverySubcommandOptionAndExitCode() throws {
    let page = try String(contentsOfFile: committed, encoding: .utf8)
    for required in ["It Em analyze", "It Em check", "It Em report", "Fl -update-baseline", "Fl -plans", "It Em rules", "Fl -format", "Fl -fail-on", "Fl -config", "Fl -disable",
      "Fl -enable", "Fl -jobs", "Fl -stdin-name", ".Sh EXIT STATUS", ".Sh ENVIRONMENT", ".Sh FILES", ".Sh EXAMPLES"]
    {
      #expect(page.contains(required), "man page lacks \(required)")
    }
    for code in 0...4 { #expect(page.contains(".It \(code)\n")) }
    // One version everywhere: --version, the .deb (scripts/version.sh) and the page.
    #expect(page.contains("\n.Os pgtune-query \(PGTuneQueryVersion.current)\n"))
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mandoc"), "mandoc is not installed"))
  func mandocFindsNoErrors() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/mandoc")
    process.arguments = ["-T", "lint", "-W", "error", committed]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = errors
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "\(output)")
  }
}
