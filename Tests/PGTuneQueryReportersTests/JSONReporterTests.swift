import Foundation
import PGTuneQuery
import PGTuneQueryReporters
import TestSupport
import Testing

@Suite struct JSONReporterTests {
  private func report(_ sql: String) throws -> [String: Any] {
    let json = JSONReporter.render([analyze(sql, name: "q.sql")])
    return try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
  }

  @Test func contractKeysAndTypes() throws {
    let object = try report("SELECT * FROM t WHERE a = NULL;\nSELEC 1")
    #expect(object["schema_version"] as? Int == 1)
    let statements = try #require(object["statements"] as? [[String: Any]])
    #expect(statements.count == 2)
    let first = statements[0]
    #expect(Set(first.keys) == ["file", "line", "column", "fingerprint", "sql", "error", "findings", "plan", "index_suggestions", "rewrites"])
    #expect(first["file"] as? String == "q.sql")
    #expect(first["sql"] as? String == "SELECT * FROM t WHERE a = NULL")
    #expect(first["error"] is NSNull)
    #expect(first["plan"] is NSNull)
    let finding = try #require((first["findings"] as? [[String: Any]])?.first)
    #expect(Set(finding.keys) == ["rule", "severity", "message", "line", "column", "help", "confirmed_by_plan"])
    #expect(finding["confirmed_by_plan"] is NSNull)
    #expect(finding["rule"] as? String == "select-star")
    #expect(finding["column"] as? Int == 8)
    let error = try #require(statements[1]["error"] as? [String: Any])
    #expect(error["line"] as? Int == 2)
    #expect(error["column"] as? Int == 1)
    #expect(statements[1]["fingerprint"] is NSNull)
    let summary = try #require(object["summary"] as? [String: Int])
    #expect(summary == ["statements": 2, "errors": 1, "findings": 3])
  }

  /// Output writes a large document in the pieces it was written in (never joined): the pieces,
  /// one after another, are exactly the document `render` gives, on one thread or several.
  @Test func segmentsAreTheDocumentInPieces() throws {
    let sql = (0..<5_000).map { "SELECT * FROM t\($0 % 7) WHERE a = \($0);" }.joined(separator: "\n")
    let files = [analyze(sql, name: "big.sql")]
    for threads in [1, 2] {
      let whole = JSONReporter.render(files, threads: threads)
      let segments = JSONReporter.segments(files, threads: threads)
      #expect(segments.count > 3, "\(segments.count) segments")
      #expect(segments.joined() == whole)
      #expect(JSONReporter.format.segments(AnalysisReport(files: files, threads: threads)).joined() == whole)
      #expect((try JSONSerialization.jsonObject(with: Data(whole.utf8)) as? [String: Any]) != nil)
    }
  }

  @Test func stringsAreEscaped() throws {
    let object = try report("SELECT 'tab\there \"quoted\" back\\\\slash é\u{01}' AS x")
    let statements = try #require(object["statements"] as? [[String: Any]])
    #expect(statements[0]["sql"] as? String == "SELECT 'tab\there \"quoted\" back\\\\slash é\u{01}' AS x")
  }

  @Test func snapshotOfTheShopExample() throws {
    let source = try SourceFile.read(
      path: Repository.path("Fixtures/sql/examples/shop.sql"), displayName: "Fixtures/sql/examples/shop.sql")
    let json = JSONReporter.render(Analyzer(jobs: 2).analyze([source]), pretty: true)
    #expect(snapshotMismatch(json, fixture: "expected/shop.json") == nil)
  }

  /// More statements than one part holds (2,000): one thread and several write the same document.
  @Test func partsWrittenOnSeveralThreadsMatchOneThread() throws {
    let sql = (1...4_500).map { "SELECT * FROM t\($0 % 7) WHERE id = \($0);" }.joined(separator: "\n")
    let files = Analyzer(jobs: 2).analyze([SourceFile(name: "many.sql", bytes: Array(sql.utf8))])
    let single = JSONReporter.render(files, threads: 1)
    #expect(JSONReporter.render(files, threads: 3) == single)
    let object = try #require(JSONSerialization.jsonObject(with: Data(single.utf8)) as? [String: Any])
    let statements = try #require(object["statements"] as? [[String: Any]])
    #expect(statements.count == 4_500)
    #expect(statements.last?["line"] as? Int == 4_500)
  }
}
