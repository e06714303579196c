/// Splits a file into statements (byte ranges) so that one broken statement never costs the
/// others.
///
/// libpg_query's parser-based split is the accurate one, but it gives up on the whole file at the
/// first syntax error; its scanner-based split silently drops a statement that does not start
/// with a keyword (`SELEC 1`) and lets an unclosed `(` swallow every later `;`. So: parser split
/// first; on failure, our own split over PostgreSQL's scanner tokens, which keeps every chunk
/// and re-splits a chunk that only fails because a `(` was never closed.
enum StatementSplitter {
  /// - Parameters:
  ///   - text: the file's bytes followed by a NUL terminator (not counted in ranges).
  ///   - workers: threads that may split pieces of a large file at once.
  static func split(_ text: UnsafeBufferPointer<UInt8>, workers: Int = 1) -> [Range<Int>] {
    let ranges = splitAll(text, workers: workers)
    // Splitting parsed the whole file; what libpg_query freed stays resident in malloc otherwise,
    // under the parse of each statement that comes next (+70 MB for a 10 MB statement).
    if text.count > largeFile { PgQuery.returnFreedMemory() }
    return ranges
  }

  static let largeFile = 8 << 20

  private static func splitAll(_ text: UnsafeBufferPointer<UInt8>, workers: Int) -> [Range<Int>] {
    let length = text.count - 1
    if workers > 1, length >= parallelSplitMinimum, let ranges = splitInPieces(text, pieces: workers) {
      return ranges
    }
    return split(text, from: 0)
  }

  static let parallelSplitMinimum = 256 << 10

  /// Pieces of a file to parse whole (`StatementParser.parsePiece`), cut where `splitInPieces`
  /// cuts: enough of them for every worker to stay busy to the end, and small, so that a piece's
  /// raw tree stays in the core's cache while its statements are fingerprinted, written out as
  /// JSON and analyzed (a piece's tree lives until its last statement is done). Measured on the
  /// regression corpus, 2 workers: pieces of 16–32 KB 0.34 s, 64 KB 0.35 s, 134 KB 0.40 s (as
  /// slow as a parse per statement), 8 KB 0.36 s. A cut that is not between statements makes a
  /// piece fail to parse; `PieceParsing` then joins it to the next.
  static func pieces(_ text: UnsafeBufferPointer<UInt8>, workers: Int) -> [Range<Int>] {
    let length = text.count - 1
    let size = min(max(length / max(1, workers * 8), pieceMinimum), pieceMaximum)
    var cuts = [0]
    var next = size
    while next < length - pieceMinimum / 2,
      let cut = cutPoint(text, near: next, limit: next + 4 * pieceMaximum)
        ?? cutWithinLine(text, pieceStart: cuts[cuts.count - 1], near: next),
      cut < length
    {
      cuts.append(cut)
      next = cut + size
    }
    cuts.append(length)
    return zip(cuts, cuts.dropFirst()).map { $0..<$1 }
  }

  /// For text without a `;` that ends a line nearby (many statements on one long line): the
  /// offset after the first `;` at or after `near` outside quotes and with no `--` before it on
  /// its line, read from `pieceStart`, the previous cut. That cut was outside quotes and comments
  /// (or its piece will not parse), so the one pass from there knows whether a `--` or a quote
  /// makes the `;` part of a comment or a string: `''` inside a string closes and reopens it,
  /// which leaves the count right. What the pass cannot see (an `E'\''` escape, a dollar-quoted
  /// or block-commented `;`) makes a cut that fails at its end and is joined (`PieceParsing`).
  static func cutWithinLine(_ text: UnsafeBufferPointer<UInt8>, pieceStart: Int, near: Int) -> Int? {
    let length = text.count - 1
    var inLineComment = false
    var quote: UInt8 = 0
    var position = pieceStart
    while position < length {
      let byte = text[position]
      if byte == 0x0A {
        inLineComment = false
      } else if inLineComment {
      } else if quote != 0 {
        if byte == quote { quote = 0 }
      } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
        quote = byte
      } else if byte == UInt8(ascii: "-") && position + 1 < length && text[position + 1] == UInt8(ascii: "-") {
        inLineComment = true
      } else if byte == UInt8(ascii: ";") && position >= near {
        return position + 1
      }
      position += 1
    }
    return nil
  }

  static let pieceMinimum = 4 << 10
  static let pieceMaximum = 32 << 10

  /// The statements from `start` (a place between statements) to the end, as `split` finds
  /// them in a file that begins there.
  static func split(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> [Range<Int>] {
    let length = text.count - 1
    let parsed = withCString(text, start..<length) { PgQuery.splitWithParser($0) }
    if case .success(let ranges) = parsed {
      return ranges.map { ($0.lowerBound + start)..<($0.upperBound + start) }
    }
    return splitWithTokens(text, in: start..<length)
  }

  /// Splitting is the one sequential pass over a file, so a large file is cut into pieces at a
  /// `;` that ends a line (with no `--` before it on that line) and the pieces are split at once.
  /// A cut that falls inside a string, a comment, a dollar-quoted body or parentheses leaves a
  /// piece that does not parse; then nil, and the caller splits the whole file.
  private static func splitInPieces(_ text: UnsafeBufferPointer<UInt8>, pieces: Int) -> [Range<Int>]? {
    let length = text.count - 1
    var cuts = [0]
    for piece in 1..<pieces {
      guard let cut = cutPoint(text, near: length * piece / pieces), cut > cuts.last! else { return nil }
      cuts.append(cut)
    }
    cuts.append(length)
    let boundaries = cuts
    // The buffer outlives `map`, which returns only when every piece is done.
    let shared = SharedBuffer(bytes: text)
    let results = ParallelRunner.map(count: boundaries.count - 1, workers: pieces) { index in
      let range = boundaries[index]..<boundaries[index + 1]
      return withCString(shared.bytes, range) { PgQuery.splitWithParser($0) }
        .map { ranges in ranges.map { ($0.lowerBound + range.lowerBound)..<($0.upperBound + range.lowerBound) } }
    }
    var combined: [Range<Int>] = []
    for result in results {
      guard case .success(let ranges) = result else { return nil }
      combined += ranges
    }
    return combined
  }

  /// The offset just after the first suitable `;` at or after `start` (and before `limit`).
  private static func cutPoint(_ text: UnsafeBufferPointer<UInt8>, near start: Int, limit: Int = .max) -> Int? {
    let length = text.count - 1
    var lineStart = start
    var position = start
    let end = min(length, limit)
    while position < end {
      let byte = text[position]
      if byte == 0x0A {
        lineStart = position + 1
      } else if byte == UInt8(ascii: ";") && position > lineStart {
        var next = position + 1
        while next < length && (text[next] == 0x20 || text[next] == 0x09 || text[next] == 0x0D) { next += 1 }
        // The line is searched for `--` only at a `;` that ends it: at every `;` of a
        // one-line dump of many statements, that search was quadratic.
        if next < length && text[next] == 0x0A && lineStart > start {
          let line = UnsafeBufferPointer(rebasing: text[lineStart..<position])
          let hasLineComment = zip(line, line.dropFirst()).contains { $0 == UInt8(ascii: "-") && $1 == UInt8(ascii: "-") }
          if !hasLineComment { return position + 1 }
        }
      }
      position += 1
    }
    return nil
  }

  private static func splitWithTokens(_ text: UnsafeBufferPointer<UInt8>, in range: Range<Int>)
    -> [Range<Int>]
  {
    var tokens: [ScanToken]
    var unterminated = false
    switch scan(text, range) {
    case .success(let scanned): tokens = scanned
    case .failure(let error):
      // An unterminated quote or comment runs to the end of the input: scan what comes before.
      let stop = range.lowerBound + (error.byteOffset ?? 0)
      unterminated = true
      tokens = (try? scan(text, range.lowerBound..<stop).get()) ?? []
    }
    var chunks: [(range: Range<Int>, nestedSemicolon: Bool)] = []
    var chunkStart = range.lowerBound
    var lastTokenEnd: Int?
    var depth = 0
    var nestedSemicolon = false
    for token in tokens {
      switch token.token {
      case ScanToken.openParen: depth += 1
      case ScanToken.closeParen: depth = max(0, depth - 1)
      case ScanToken.semicolon where depth == 0:
        if let end = lastTokenEnd { chunks.append((chunkStart..<end, nestedSemicolon)) }
        chunkStart = token.end
        lastTokenEnd = nil
        nestedSemicolon = false
        continue
      case ScanToken.semicolon: nestedSemicolon = true
      default: break
      }
      if token.token != ScanToken.sqlComment && token.token != ScanToken.cComment {
        lastTokenEnd = token.end
      }
    }
    if unterminated {
      chunks.append((chunkStart..<range.upperBound, nestedSemicolon))
    } else if let end = lastTokenEnd {
      chunks.append((chunkStart..<end, nestedSemicolon))
    }
    return chunks.flatMap { chunk in
      chunk.nestedSemicolon ? resplitUnbalanced(text, chunk.range) : [chunk.range]
    }
  }

  /// A chunk with a `;` inside parentheses is either a real nested statement list
  /// (`CREATE RULE … DO (SELECT 1; SELECT 2)`) or an unclosed `(` that swallowed later
  /// statements. If it does not parse as a whole, split it at every `;`.
  private static func resplitUnbalanced(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
    -> [Range<Int>]
  {
    let parses = withCString(text, range) { PgQuery.splitWithParser($0) }
    if case .success = parses { return [range] }
    guard case .success(let tokens) = scan(text, range) else { return [range] }
    var result: [Range<Int>] = []
    var start = range.lowerBound
    var lastEnd: Int?
    for token in tokens {
      if token.token == ScanToken.semicolon {
        if let end = lastEnd { result.append(start..<end) }
        start = token.end
        lastEnd = nil
      } else if token.token != ScanToken.sqlComment && token.token != ScanToken.cComment {
        lastEnd = token.end
      }
    }
    if let end = lastEnd { result.append(start..<end) }
    return result
  }

  /// Scans a sub-range; token offsets are returned relative to the whole text.
  private static func scan(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
    -> Result<[ScanToken], PgQueryError>
  {
    withCString(text, range) { PgQuery.scan($0) }.map { tokens in
      tokens.map {
        ScanToken(token: $0.token, start: $0.start + range.lowerBound, end: $0.end + range.lowerBound)
      }
    }
  }

  static func withCString<T>(
    _ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (UnsafePointer<CChar>) -> T
  ) -> T {
    // A range that runs to the text's own NUL (a file's last piece, the rest of a file, a file
    // of one huge statement) is handed over where it is: no copy of up to the whole file.
    if let base = text.baseAddress, range.upperBound == text.count - 1, text[range.upperBound] == 0 {
      return body(UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self))
    }
    var copy = [CChar](repeating: 0, count: range.count + 1)
    copy.withUnsafeMutableBufferPointer { destination in
      UnsafeMutableRawBufferPointer(destination).copyMemory(
        from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(text)[range]))
    }
    return copy.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}

/// Read-only bytes handed to worker threads for the duration of a synchronous parallel call.
struct SharedBuffer: @unchecked Sendable {
  let bytes: UnsafeBufferPointer<UInt8>
}
