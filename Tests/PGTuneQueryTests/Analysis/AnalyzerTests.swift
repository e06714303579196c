import Foundation
import PGTuneQuery
import TestSupport
import Testing

@Suite struct AnalyzerTests {
  @Test func ignoreDirectives() {
    let sql = """
      -- pgtune-query: ignore-file or-to-in
      -- pgtune-query: ignore select-star, compare-to-null
      SELECT * FROM t WHERE a = NULL;
      SELECT * FROM t WHERE a = 1 OR a = 2;
      /* pgtune-query: ignore */
      SELECT * FROM t ORDER BY random();
      """
    let file = analyze(sql)
    #expect(file.statements.map { $0.findings.map(\.rule) } == [[], ["select-star"], []])
  }

  @Test func syntaxErrorsDoNotStopTheFile() {
    let file = analyze("SELECT 1;\nSELECT * FROM t;\nSELECT * FRM t;\nDELETE FROM t")
    #expect(file.statements.count == 4)
    let error = file.statements[2].findings.first
    #expect(error?.rule == "syntax-error")
    #expect(error.map { file.text.position(ofByte: $0.offset) } == SourcePosition(line: 3, column: 10))
    #expect(file.statements[3].findings.map(\.rule) == ["delete-without-where"])
  }

  @Test func parallelAndSerialRunsAgree() throws {
    let sql = (0..<300).map { "SELECT * FROM t\($0) WHERE a = NULL OR a = \($0)" }.joined(separator: ";\n")
    let source = SourceFile(name: "many.sql", bytes: Array(sql.utf8))
    let serial = Analyzer(jobs: 1).analyze([source])[0]
    let parallel = Analyzer(jobs: 4).analyze([source])[0]
    #expect(serial.statements.count == 300)
    #expect(serial.statements.map(\.findings) == parallel.statements.map(\.findings))
    #expect(serial.statements.map(\.fingerprint) == parallel.statements.map(\.fingerprint))
  }

  @Test func bundledBadExampleReportsLineThree() throws {
    let source = try SourceFile.read(path: Repository.path("Fixtures/sql/examples/bad.sql"))
    let file = Analyzer().analyze([source])[0]
    let syntax = file.statements.flatMap(\.findings).filter { $0.rule == "syntax-error" }
    #expect(syntax.count == 1)
    #expect(syntax.first.map { file.text.position(ofByte: $0.offset).line } == 3)
    #expect(file.statements.flatMap(\.findings).count > 1)
  }

  /// Every statement of PostgreSQL's regression suite: no crash, no decode failure, and the
  /// count equals what libpg_query's parser-based splitter finds.
  @Test(.enabled(if: Repository.shared != nil, "../shared/corpus is not present"))
  func regressionCorpus() throws {
    let url = try #require(Repository.shared).appendingPathComponent("corpus/corpus-pg15.sql")
    let source = try SourceFile.read(path: url.path)
    let splitCount = StatementParser.split(source).count
    let file = Analyzer().analyze([source])[0]
    #expect(file.statements.count == splitCount)
    #expect(splitCount == 48_351)
    let failures = file.statements.filter { $0.error != nil }
    #expect(failures.isEmpty, "\(failures.prefix(3).map { $0.error?.message ?? "" })")
  }
}
