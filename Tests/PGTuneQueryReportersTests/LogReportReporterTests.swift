import Foundation
import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

/// `report`'s four formats on the fixture log: snapshots for text and Markdown, the JSON
/// contract's keys, and an HTML page that is one self-contained file.
@Suite struct LogReportReporterTests {
  private func render(_ name: String) throws -> String {
    let format = try #require(OutputFormats.logs.first { $0.name == name })
    return format.render(LogReportOutput(report: try ReporterFixtures.logReport(), top: 5))
  }

  @Test func textAndMarkdownSnapshots() throws {
    #expect(snapshotMismatch(try render("text"), fixture: "expected/reporters/log-report.txt") == nil)
    #expect(snapshotMismatch(try render("markdown"), fixture: "expected/reporters/log-report.md") == nil)
  }

  @Test func jsonContract() throws {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(try render("json").utf8)) as? [String: Any])
    #expect(object["schema_version"] as? Int == 1)
    #expect(object["queries"] is [Any])
  }

  @Test func htmlIsSelfContained() throws {
    let html = try render("html")
    #expect(html.hasPrefix("<!DOCTYPE html>") || html.hasPrefix("<!doctype html>"))
    #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
  }
}
