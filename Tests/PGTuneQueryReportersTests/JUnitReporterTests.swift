import Foundation
#if canImport(FoundationXML)
  import FoundationXML
#endif
import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// JUnit XML: one test case per statement, failures for findings at or above --fail-on; the
/// document is well-formed (parsed back with Foundation's XML parser) and stable (snapshot).
@Suite struct JUnitReporterTests {
  @Test func snapshotAndWellFormed() throws {
    let xml = JUnitReporter.render(try ReporterFixtures.analyses(), failOn: .warning)
    #expect(snapshotMismatch(xml, fixture: "expected/reporters/junit.xml") == nil)
    let parser = XMLParser(data: Data(xml.utf8))
    #expect(parser.parse(), "\(parser.parserError.map(String.init(describing:)) ?? "")")
  }

  @Test func failOnDecidesWhatFails() throws {
    let files = try ReporterFixtures.analyses()
    let strict = JUnitReporter.render(files, failOn: .info)
    let lenient = JUnitReporter.render(files, failOn: .error)
    #expect(strict.components(separatedBy: "<failure").count > lenient.components(separatedBy: "<failure").count)
  }
}
