import Foundation
import TestSupport
import Testing

@Suite struct ReportCommandTests {
  private let log = Repository.path("Fixtures/logs/stderr-prefix-m-p-u-d.log")

  @Test func jsonContract() throws {
    let result = try runPGTuneQuery(["report", "--format", "json", log])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["schema_version"] as? Int == 1)
    let totals = try #require(json["totals"] as? [String: Any])
    #expect(totals["queries"] as? Int == 6)
    #expect(totals["errors"] as? Int == 1)
    let first = try #require((json["queries"] as? [[String: Any]])?.first)
    for key in ["fingerprint", "query", "calls", "total_ms", "mean_ms", "min_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms", "errors", "samples"] {
      #expect(first[key] != nil, "missing \(key)")
    }
    #expect(first["query"] as? String == "SELECT count(*) FROM big_table")
    // The per-minute series adds up to the totals.
    let minutes = try #require(json["per_minute"] as? [[String: Any]])
    #expect(minutes.map { $0["minute"] as? String } == minutes.map { $0["minute"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") })
    #expect(minutes.reduce(0) { $0 + ($1["queries"] as? Int ?? 0) } == 6)
  }

  @Test func standardInputAndOtherFormats() throws {
    let input = try Data(contentsOf: URL(fileURLWithPath: log))
    let text = try runPGTuneQuery(["report"], stdin: input)
    #expect(text.stdout.hasPrefix("6 queries (6 normalized), 1 errors"))
    let markdown = try runPGTuneQuery(["report", "--format", "markdown", log])
    #expect(markdown.stdout.contains("| calls | total | mean | p95 | max | query |"))
    let html = try runPGTuneQuery(["report", "--format", "html", log])
    for chart in ["queries-per-minute", "duration-per-minute", "latency-histogram", "top-queries"] {
      #expect(html.stdout.contains("<svg id=\"\(chart)\""))
    }
    // Self-contained: the one script (sortable tables) is inline, nothing is fetched.
    #expect(!html.stdout.contains("<script src") && !html.stdout.contains("<link"))
    #expect(!html.stdout.contains("http"))
  }

  /// The server's tables sort their figures as numbers: each count and time cell carries the
  /// number (`data-v`) the page's script sorts by; text cells do not.
  @Test func serverTablesSortFiguresAsNumbers() throws {
    let html = try runPGTuneQuery(["report", "--no-store", "--format", "html", Repository.path("Fixtures/logs/server-activity.log")])
    #expect(html.status == 0, "\(html.stderr)")
    let autovacuum = try #require(html.stdout.range(of: "id=\"autovacuum\"").map { String(html.stdout[$0.upperBound...].prefix(1_500)) })
    #expect(autovacuum.contains("<td>shop.public.orders</td><td data-v=\"1\">1</td><td data-v=\"250.0\">250.00 ms</td><td data-v=\"250\">250</td>"), "\(autovacuum)")
    let connections = try #require(html.stdout.range(of: "id=\"connections\"").map { String(html.stdout[$0.upperBound...].prefix(800)) })
    #expect(connections.contains("<td>authorized connections</td><td data-v=\"1\">1</td>"), "\(connections)")
  }

  @Test func neverSilentlyEmpty() throws {
    let result = try runPGTuneQuery(["report"], stdin: Data("2024-05-01 10:00:00 something else entirely\nnot a log line\n".utf8))
    #expect(result.status == 4)
    #expect(result.stderr.contains("no query found in 2 lines read (format assumed: stderr"))
    #expect(result.stderr.contains("log_line_prefix should contain %m or %t"))
    #expect(result.stderr.contains("not a log line"))
  }

  @Test func missingFile() throws {
    let result = try runPGTuneQuery(["report", "/nonexistent.log"])
    #expect(result.status == 2)
  }
}
