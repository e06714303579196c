import Foundation
import TestSupport
import Testing

/// The HTML report opened in a real browser (headless Chromium from Debian): the page parses as
/// it should and its charts are drawn, measured on a screenshot.
@Suite(.enabled(if: Browser.chromium != nil, "chromium not installed (make test installs it)"))
struct HTMLReportRenderingTests {

  @Test func chartsRenderInHeadlessChromium() throws {
    let directory = NSTemporaryDirectory() + "pgtq-html-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let result = try runPGTuneQuery(
      ["report", "--no-store", "--format", "html", Repository.path("Fixtures/logs/stderr-prefix-m-p-u-d.log")])
    #expect(result.status == 0)
    let page = directory + "/report.html"
    try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: page))
    let browser = try #require(Browser.chromium)
    let flags = "--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir='\(directory)/profile'"
    // The DOM as the browser built it: four charts, each with bars of non-zero height.
    try runAndWait(["sh", "-c", "timeout 120 \(browser) \(flags) --dump-dom 'file://\(page)' > '\(directory)/dom.html' 2>/dev/null"])
    let dom = try String(contentsOfFile: directory + "/dom.html", encoding: .utf8)
    for chart in ["queries-per-minute", "duration-per-minute", "latency-histogram", "top-queries"] {
      let start = try #require(dom.range(of: "<svg id=\"\(chart)\""), "\(chart) missing from the DOM")
      let svg = dom[start.lowerBound...].prefix(20_000)
      let end = svg.range(of: "</svg>")?.lowerBound ?? svg.endIndex
      let heights = svg[..<end].components(separatedBy: "height=\"").dropFirst(2).compactMap { Double($0.prefix { $0 != "\"" }) }
      #expect(heights.contains { $0 > 1 }, "\(chart) has no visible bar")
    }
    // Every section the log has material for, in the contents bar and on the page; each query
    // row links to a detail section that exists.
    for section in ["overview", "per-minute", "latency", "top-queries", "slowest", "frequent", "errors", "by-database", "by-user", "query-types", "details"] {
      #expect(dom.contains("<section id=\"\(section)\">"), "section \(section) missing")
      #expect(dom.contains("<a href=\"#\(section)\">"), "contents bar has no link to \(section)")
    }
    let links = Set(dom.components(separatedBy: "href=\"#q-").dropFirst().map { String($0.prefix { $0 != "\"" }) })
    #expect(!links.isEmpty)
    for link in links { #expect(dom.contains("<article class=\"query\" id=\"q-\(link)\">"), "no detail for q-\(link)") }
    // A detail has the SQL, the slowest samples with their parameters, and its latency.
    let detail = try #require(dom.range(of: "<article class=\"query\"")).lowerBound
    let article = dom[detail...].prefix { _ in true }.prefix(20_000)
    #expect(article.contains("<pre class=\"sql\">") && article.contains("Slowest samples"))
    // Charts have axes (gridlines and values) and hover titles; tables are sortable.
    #expect(dom.contains("class=\"grid\"") && dom.contains("<title>"))
    #expect(dom.contains("<table class=\"sortable\">") && dom.contains("addEventListener('click'"))
    #expect(dom.contains("@media print"))
    // The pixels: both bar colours cover a real area of the screenshot.
    try runAndWait([
      "sh", "-c",
      "timeout 120 \(browser) \(flags) --window-size=1000,1400 --screenshot='\(directory)/shot.png' 'file://\(page)' >/dev/null 2>&1",
    ])
    try runAndWait([
      "sh", "-c",
      "python3 '\(Repository.path("scripts/png-colors.py"))' '\(directory)/shot.png' 3b7dd8 d8893b > '\(directory)/colours.txt'",
    ])
    let counts = try String(contentsOfFile: directory + "/colours.txt", encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
    #expect(counts.count == 2)
    #expect(counts.allSatisfy { $0 > 20_000 }, "bar pixels: \(counts)")
  }
}

enum Browser {
  static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }
}
