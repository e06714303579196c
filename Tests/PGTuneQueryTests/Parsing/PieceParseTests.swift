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
  private struct Shape: Equatable, CustomStringConvertible {
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

  /// The pieces that parse, in order, up to the first that does not (as `analyze` keeps them),
  /// and where that one starts.
  private func byPieces(_ source: SourceFile, workers: Int) -> (shapes: [Shape], failedAt: Int?) {
    var shapes: [Shape] = []
    for piece in StatementParser.pieces(source, workers: workers) {
      guard let parsed = StatementParser.parsePiece(source, range: piece, Shape.init) else {
        return (shapes, piece.lowerBound)
      }
      shapes += parsed
    }
    return (shapes, nil)
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

  /// Lines that end with `;` inside a string, a dollar-quoted body, a comment and a BEGIN ATOMIC
  /// body: wherever a cut falls in them, the piece before it does not parse, and the file still
  /// gives every statement once.
  @Test func cutsInsideStringsBodiesAndCommentsAreCaught() {
    let longLines = (0..<2_000).map { "line \($0);" }.joined(separator: "\n")
    let file = source(
      ordinary(500)
        + "INSERT INTO notes VALUES ('\(longLines)');\n"
        + ordinary(500, from: 500)
        + "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN\n\(longLines)\nRETURN 1;\nEND\n$body$;\n"
        + ordinary(500, from: 1_000)
        + "/* \(longLines) */\nSELECT 1;\n"
        + "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC\n"
        + (0..<2_000).map { "SELECT \($0);" }.joined(separator: "\n") + "\nEND;\n"
        + ordinary(500, from: 1_500))
    let (pieces, mismatches, failedAt) = compare(file, workers: 2)
    #expect(pieces > 4)
    #expect(failedAt != nil)
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
      let file = source(text)
      var old = Analyzer(jobs: 2)
      old.parsesInPieces = false
      let want = old.analyze([file])[0].statements
      let got = Analyzer(jobs: 2).analyze([file])[0].statements
      #expect(got.count == want.count, "\(name)")
      #expect(got.map(\.range) == want.map(\.range), "\(name)")
      #expect(got.map(\.fingerprint) == want.map(\.fingerprint), "\(name)")
      #expect(got.map(\.findings) == want.map(\.findings), "\(name)")
      #expect(got.map(\.rewrites) == want.map(\.rewrites), "\(name)")
      #expect(got.flatMap(\.findings).count > 300, "\(name)")
    }
  }

  /// Every statement of both shared corpora.
  @Test(.enabled(if: Repository.shared != nil, "../shared/corpus is not present"))
  func corporaGiveWhatSplitThenParseGives() throws {
    for name in ["corpus-pg15.sql", "corpus-adhoc.sql"] {
      let url = try #require(Repository.shared).appendingPathComponent("corpus/\(name)")
      let source = try SourceFile.read(path: url.path)
      let (pieces, mismatches, _) = compare(source, workers: 2)
      #expect(pieces > 16, "\(name)")
      #expect(mismatches.isEmpty, "\(name): \(mismatches)")
    }
  }
}
