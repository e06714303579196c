import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// `analyze` parses a file a piece at a time: one pass of the grammar gives the statements and
/// their trees (`StatementParser.parsePiece`). It must give what the split and a parse of each
/// statement alone give: the same statements, trees, fingerprints and findings; and where a
/// piece does not parse (a syntax error, or a cut inside a string or a function body) the rest of
/// the file goes the old way, so nothing is lost.
@Suite struct PieceParseTests {
  /// A statement as the rules see it: range, start, fingerprint, error, and every node of its tree
  /// with its kind, absolute location and the field that holds it.
  private struct Shape: Equatable, Sendable, CustomStringConvertible {
    var range: Range<Int>
    var start: Int
    var fingerprint: String?
    var error: PgQueryError?
    var nodes: [String]

    init(_ statement: ParsedStatement) {
      range = statement.range
      start = statement.start
      fingerprint = statement.fingerprint
      error = statement.error
      nodes = []
      guard let tree = statement.tree else { return }
      var stack = [tree.root]
      while let node = stack.popLast() {
        nodes.append("\(node.kind)@\(node.location ?? -1).\(node.parentField.map { "\($0)" } ?? "")")
        stack.append(contentsOf: node.children.map(\.node).reversed())
      }
    }

    var description: String { "\(range) \(fingerprint ?? "-") \(nodes.prefix(4))" }
  }

  private func splitThenParse(_ source: SourceFile) -> [Shape] {
    StatementParser.split(source).map { Shape(StatementParser.parse(source, range: $0)) }
  }

  /// What `analyze` keeps of the pieces (see `PieceParsing`), and where it splits the rest.
  private func byPieces(_ source: SourceFile, workers: Int) -> (shapes: [Shape], failedAt: Int?) {
    let file = PieceParsing.parse(
      [source], pieces: [StatementParser.pieces(source, workers: workers)], workers: workers, startingFile: { _ in },
      newPiece: { [Shape]() }
    ) { shapes, _, statement in shapes.append(Shape(statement)) }[0]
    return (file.pieces.flatMap { $0 }, file.splitFrom)
  }

  /// Pieces and the statements that follow a failed piece, against split-then-parse.
  private func compare(_ source: SourceFile, workers: Int) -> (pieces: Int, mismatches: [String], failedAt: Int?) {
    let expected = splitThenParse(source)
    var (shapes, failedAt) = byPieces(source, workers: workers)
    if let failedAt {
      shapes += StatementParser.split(source, from: failedAt).map { Shape(StatementParser.parse(source, range: $0)) }
    }
    var mismatches: [String] = []
    if shapes.count != expected.count { mismatches.append("\(shapes.count) statements, \(expected.count) expected") }
    for (got, want) in zip(shapes, expected) where got != want {
      let node = zip(got.nodes, want.nodes).first { $0 != $1 }.map { "\($0) ≠ \($1)" } ?? "\(got.nodes.count) ≠ \(want.nodes.count) nodes"
      mismatches.append("\(got) ≠ \(want): \(node)")
      if mismatches.count > 3 { break }
    }
    return (StatementParser.pieces(source, workers: workers).count, mismatches, failedAt)
  }

  private func source(_ sql: String) -> SourceFile { SourceFile(name: "t.sql", bytes: Array(sql.utf8)) }

  private func sharedCorpora() throws -> [(name: String, source: SourceFile)] {
    try ["corpus-pg15.sql", "corpus-adhoc.sql"].map { name in
      let url = try #require(Repository.shared).appendingPathComponent("corpus/\(name)")
      return (name, try SourceFile.read(path: url.path))
    }
  }

  /// The file's statement analyses by pieces (`got`) and split first (`want`), on 2 workers.
  private func analyzedByPiecesAndByStatements(_ file: SourceFile) -> (got: [StatementAnalysis], want: [StatementAnalysis]) {
    var old = Analyzer(jobs: 2)
    old.parsesInPieces = false
    return (Analyzer(jobs: 2).analyze([file])[0].statements, old.analyze([file])[0].statements)
  }

  /// A file of `count` ordinary statements, one per line, large enough to be cut in pieces.
  private func ordinary(_ count: Int, from first: Int = 0) -> String {
    (first..<first + count).map { "SELECT a, b FROM t\($0 % 7) WHERE a = \($0) OR b IS NULL;\n" }.joined()
  }

  @Test func fixturesGiveWhatSplitThenParseGives() throws {
    let directory = Repository.path("Fixtures/sql")
    let files = try FileManager.default.subpathsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }
    #expect(files.count >= 3)
    for file in files {
      let source = try SourceFile.read(path: directory + "/" + file)
      let (_, mismatches, _) = compare(source, workers: 2)
      #expect(mismatches.isEmpty, "\(file): \(mismatches)")
    }
  }

  @Test func aLargeFileIsCutInManyPiecesAndLosesNothing() {
    let file = source(ordinary(20_000))
    let (pieces, mismatches, failedAt) = compare(file, workers: 2)
    #expect(pieces > 16)
    #expect(failedAt == nil)
    #expect(mismatches.isEmpty, "\(mismatches)")
  }

  /// A syntax error in the middle: the pieces before it count, the rest is split and parsed a
  /// statement at a time, and the broken statement is reported where it is.
  @Test func aSyntaxErrorMidFileFallsBackFromItsPiece() {
    let file = source(ordinary(3_000) + "SELEC broken FROM t;\n" + ordinary(3_000, from: 3_000))
    let (pieces, mismatches, failedAt) = compare(file, workers: 2)
    #expect(pieces > 4)
    #expect(failedAt.map { $0 > 0 } == true)
    #expect(mismatches.isEmpty, "\(mismatches)")
    let analyzed = Analyzer(jobs: 2).analyze([file])[0]
    #expect(analyzed.statements.count == 6_001)
    let errors = analyzed.statements.filter { $0.error != nil }
    #expect(errors.count == 1)
    #expect(errors.first.map { analyzed.text.position(ofByte: $0.start).line } == 3_001)
  }

  /// Text with lines that end with `;` inside a string, a dollar-quoted body, a comment, a
  /// BEGIN ATOMIC body and a function body long enough to span many pieces; the ranges of those.
  private func constructs(bodyLines: Int) -> (sql: String, inside: [Range<Int>]) {
    let lines = { (count: Int) in (0..<count).map { "line \($0);" }.joined(separator: "\n") }
    var sql = ""
    var inside: [Range<Int>] = []
    func add(_ open: String, _ body: String, _ close: String) {
      sql += open
      inside.append(sql.utf8.count..<(sql.utf8.count + body.utf8.count))
      sql += body + close
    }
    sql += ordinary(500)
    add("INSERT INTO notes VALUES ('", lines(5_000), "');\n")
    sql += ordinary(500, from: 500)
    add("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN\n", lines(5_000), "\nRETURN 1;\nEND\n$body$;\n")
    sql += ordinary(500, from: 1_000)
    add("/* ", lines(5_000), " */\nSELECT 1;\n")
    add(
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC\n",
      (0..<5_000).map { "SELECT \($0);" }.joined(separator: "\n"), "\nEND;\n")
    sql += ordinary(500, from: 1_500)
    add("CREATE FUNCTION h() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n", lines(bodyLines), "\nRETURN 1;\nEND\n$$;\n")
    sql += ordinary(500, from: 2_000)
    return (sql, inside)
  }

  /// Wherever a cut falls inside one of them, the piece before it does not parse and is joined
  /// to the next; the file gives every statement once, and none is split the old way.
  @Test func cutsInsideStringsBodiesAndCommentsAreJoined() {
    let (sql, inside) = constructs(bodyLines: 30_000)
    let file = source(sql)
    let cuts = StatementParser.pieces(file, workers: 2).map(\.lowerBound)
    for construct in inside { #expect(cuts.contains { construct.contains($0) }, "no cut in \(construct)") }
    let (_, mismatches, failedAt) = compare(file, workers: 2)
    #expect(failedAt == nil)
    #expect(mismatches.isEmpty, "\(mismatches)")
  }

  /// A body longer than the pieces may be joined to (`PieceParsing.joinedMaximum`): its file is
  /// split the old way from the piece where it starts, and loses nothing.
  @Test func aBodyPastTheJoinLimitIsSplitTheOldWay() {
    let (sql, inside) = constructs(bodyLines: 120_000)
    #expect(inside.last.map { $0.count > PieceParsing.joinedMaximum } == true)
    let (_, mismatches, failedAt) = compare(source(sql), workers: 2)
    #expect(failedAt.map { $0 <= inside.last!.lowerBound } == true)
    #expect(mismatches.isEmpty, "\(mismatches)")
  }

  /// A syntax error after pieces that had to be joined: what comes before its piece is kept as
  /// the pieces gave it (the old way would split the BEGIN ATOMIC body at every `;` of a file
  /// that does not parse), and the file is split the old way from its piece only.
  @Test func aSyntaxErrorAfterJoinedPieces() {
    let (valid, _) = constructs(bodyLines: 3_000)
    let sql = valid + "SELEC broken;\n" + ordinary(1_000, from: 3_000)
    let file = source(sql)
    let (shapes, failedAt) = byPieces(file, workers: 2)
    #expect(failedAt.map { $0 > valid.utf8.count / 2 && $0 <= valid.utf8.count } == true, "\(failedAt ?? -1)")
    let validShapes = splitThenParse(source(valid))
    #expect(shapes.count < validShapes.count)
    #expect(shapes == Array(validShapes.prefix(shapes.count)))
    let analyzed = Analyzer(jobs: 2).analyze([file])[0]
    #expect(analyzed.statements.count == validShapes.count + 1 + 1_000)
    #expect(analyzed.statements.map(\.range).prefix(validShapes.count).elementsEqual(validShapes.map(\.range)))
    let errors = analyzed.statements.filter { $0.error != nil }
    #expect(errors.map(\.start) == [valid.utf8.count])
  }

  /// Many statements on one line (a minified dump) are still cut, on every core; a `;` after a
  /// `--` on its line is never a cut, and one inside a string is joined.
  @Test func statementsOnOneLongLineAreCut() {
    let oneLine = (0..<20_000).map { "SELECT a FROM t\($0 % 7) WHERE b = '\($0);x''y' OR \"a;\" IS NULL;" }
      .joined(separator: " ")
    let file = source(oneLine + " -- a note; with; semicolons; " + oneLine + "\n" + ordinary(200))
    let pieces = StatementParser.pieces(file, workers: 2)
    #expect(pieces.count > 16)
    // Cut outside the quotes: every piece parses as it is, none had to be joined.
    #expect(pieces.allSatisfy { StatementParser.parsePiece(file, range: $0, into: 0) { count, _ in count += 1 }.isSuccess })
    let (_, mismatches, failedAt) = compare(file, workers: 2)
    #expect(failedAt == nil)
    #expect(mismatches.isEmpty, "\(mismatches)")
  }

  @Test func emptyAndCommentOnlyFilesHaveNoStatements() {
    for sql in ["", "  \n", "-- nothing\n/* here */\n", ";;;\n"] {
      let file = source(sql)
      #expect(byPieces(file, workers: 2).shapes.isEmpty, "\(sql.debugDescription)")
      #expect(Analyzer(jobs: 2).analyze([file])[0].statements.isEmpty)
    }
  }

  /// The whole analysis, findings and rewrites included, by pieces and the old way; a file with
  /// `pgtune-query:` comments always goes the old way.
  @Test func analysisByPiecesEqualsAnalysisByStatements() throws {
    let shop = try String(contentsOfFile: Repository.path("Fixtures/sql/examples/shop.sql"), encoding: .utf8)
    let sql = Array(repeating: shop, count: 40).joined(separator: "\n") + ordinary(2_000)
    let directives = "-- pgtune-query: ignore-file select-star\n" + sql
    for (name, text) in [("plain", sql), ("with directives", directives)] {
      let (got, want) = analyzedByPiecesAndByStatements(source(text))
      #expect(got.count == want.count, "\(name)")
      #expect(got.map(\.range) == want.map(\.range), "\(name)")
      #expect(got.map(\.fingerprint) == want.map(\.fingerprint), "\(name)")
      #expect(got.map(\.findings) == want.map(\.findings), "\(name)")
      #expect(got.map(\.rewrites) == want.map(\.rewrites), "\(name)")
      #expect(got.flatMap(\.findings).count > 300, "\(name)")
    }
  }

  /// The whole analysis of both shared corpora (84,000 statements), by pieces and the old way:
  /// the same statements, fingerprints, findings at the same places, and rewrites.
  @Test(.enabled(if: Repository.shared != nil, "../shared/corpus is not present"))
  func corporaAnalyzeAlikeByPiecesAndByStatements() throws {
    for (name, source) in try sharedCorpora() {
      let (got, want) = analyzedByPiecesAndByStatements(source)
      #expect(got.count == want.count, "\(name)")
      let differing = zip(got, want).enumerated().filter { _, pair in
        pair.0.range != pair.1.range || pair.0.fingerprint != pair.1.fingerprint || pair.0.findings != pair.1.findings
          || pair.0.rewrites != pair.1.rewrites
      }
      #expect(differing.isEmpty, "\(name): \(differing.count) statements differ, first at \(differing.first?.0 ?? -1)")
      #expect(got.flatMap(\.findings).count > 2_000, "\(name)")
    }
  }

  /// Every statement of both shared corpora.
  @Test(.enabled(if: Repository.shared != nil, "../shared/corpus is not present"))
  func corporaGiveWhatSplitThenParseGives() throws {
    for (name, source) in try sharedCorpora() {
      let (pieces, mismatches, _) = compare(source, workers: 2)
      #expect(pieces > 16, "\(name)")
      #expect(mismatches.isEmpty, "\(name): \(mismatches)")
    }
  }
}

extension Result {
  fileprivate var isSuccess: Bool {
    if case .success = self { return true }
    return false
  }
}
