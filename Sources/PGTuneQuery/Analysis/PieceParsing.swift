import PGTuneQueryCore

/// Parses files a piece at a time on every core, each piece's split and trees from one pass of
/// the grammar (`StatementParser.parsePiece`), and says where a file must be split the old way.
///
/// A piece is cut at a `;` that ends a line (on a long line, one outside quotes): usually between
/// statements, sometimes inside a string, a comment or a function body. A piece whose text stops inside one fails at its end
/// ("unterminated …", "… at end of input"); it is joined to the next piece and parsed again, in
/// rounds, until it parses or fails some other way. Pieces are trusted in order: a piece that
/// starts between statements and parses ends between statements (text that stops inside a
/// construct does not parse), so each file keeps its pieces up to the first one that fails for
/// another reason (a syntax error), and is split and parsed a statement at a time from there.
package enum PieceParsing {
  package struct File<Piece> {
    /// What each piece that parsed gave (its statements folded by `add`), in order.
    package var pieces: [Piece] = []
    /// Where the pieces stopped short of the end of the file: split and parse from here.
    package var splitFrom: Int?
  }

  private enum State<Piece> {
    case pending
    case parsed(Piece)
    case failed(stopsInside: Bool)
  }

  private struct Segment<Piece> {
    var range: Range<Int>
    var state: State<Piece> = .pending
  }

  /// Rounds of joining after the first parse (a body cut in many pieces is joined in one: its
  /// pieces all fail). Past them, the file is split the old way from there.
  static let joinRounds = 8

  /// The longest a joined segment may grow: the raw tree of a megabyte of SQL takes a hundred
  /// megabytes or more, and a file whose cuts all fall inside strings would otherwise be joined
  /// into one tree of the whole file. Past it the file is split the old way from there (one
  /// statement's tree at a time).
  package static let joinedMaximum = 1 << 20

  /// - Parameters:
  ///   - pieces: for each file, pieces to parse (`StatementParser.pieces`); none, to split it all.
  ///   - startingFile: called on the worker that parses a file's first piece, before it does.
  ///   - newPiece: what a piece's statements are folded into, made for each piece.
  ///   - add: folds a statement of file `file` into its piece's result, on the worker that parsed it.
  package static func parse<Piece: Sendable>(
    _ sources: [SourceFile], pieces: [[Range<Int>]], workers: Int, startingFile: @escaping @Sendable (Int) -> Void,
    newPiece: @escaping @Sendable () -> Piece, _ add: @escaping @Sendable (inout Piece, _ file: Int, ParsedStatement) -> Void
  ) -> [File<Piece>] {
    var segments: [[Segment<Piece>]] = pieces.map { $0.map { Segment(range: $0) } }
    for round in 0...joinRounds {
      let tasks = segments.indices.flatMap { file in
        segments[file].indices.compactMap { index -> (file: Int, index: Int, range: Range<Int>)? in
          guard case .pending = segments[file][index].state else { return nil }
          return (file, index, segments[file][index].range)
        }
      }
      if tasks.isEmpty { break }
      let results = ParallelRunner.map(count: tasks.count, workers: workers, batch: 1, makeWorker: {}, { _, task in
        let (file, index, range) = tasks[task]
        if round == 0 && index == 0 { startingFile(file) }
        return StatementParser.parsePiece(sources[file], range: range, into: newPiece()) { add(&$0, file, $1) }
      }, finish: { _ in })
      for (task, result) in zip(tasks, results) {
        segments[task.file][task.index].state =
          switch result {
          case .success(let piece): .parsed(piece)
          case .failure(let error): .failed(stopsInside: stopsInside(error))
          }
      }
      segments = segments.map { joined($0, allowed: round < joinRounds) }
    }
    return segments.map { list in
      var file = File<Piece>()
      for segment in list {
        guard case .parsed(let piece) = segment.state else {
          file.splitFrom = segment.range.lowerBound
          break
        }
        file.pieces.append(piece)
      }
      return file
    }
  }

  /// Each failed segment that stops inside a construct joined to the failed ones after it and
  /// the next one (a function body cut in three fails in its first piece at its end and in the
  /// next two where they start), to parse again. A segment that fails otherwise is a syntax
  /// error only if every segment before it parsed: then what follows it is dropped, to be split
  /// the old way; else it may have failed only for starting inside something, and waits.
  private static func joined<Piece>(_ list: [Segment<Piece>], allowed: Bool) -> [Segment<Piece>] {
    var result: [Segment<Piece>] = []
    var allParsed = true
    var index = 0
    while index < list.count {
      let segment = list[index]
      index += 1
      guard case .failed(let stopsInside) = segment.state else {
        result.append(segment)
        continue
      }
      if stopsInside && allowed && index < list.count
        && list[index].range.upperBound - segment.range.lowerBound <= joinedMaximum
      {
        var end = index + 1
        while end < list.count, case .failed = list[end - 1].state, case .failed = list[end].state,
          list[end].range.upperBound - segment.range.lowerBound <= joinedMaximum
        {
          end += 1
        }
        result.append(Segment(range: segment.range.lowerBound..<list[end - 1].range.upperBound))
        index = end
        allParsed = false
        continue
      }
      result.append(segment)
      if allParsed { break }
      allParsed = false
    }
    return result
  }

  /// Whether the error is one of text that stops inside a string, a comment, parentheses or a
  /// body: PostgreSQL's scanner says "unterminated …", its grammar "… at end of input".
  static func stopsInside(_ error: PgQueryError) -> Bool {
    error.message.hasPrefix("unterminated") || error.message.hasSuffix("at end of input")
  }
}
