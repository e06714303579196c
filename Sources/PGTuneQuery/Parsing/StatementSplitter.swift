/// Splits a file into statements (byte ranges) so that one broken statement never costs the
/// others.
///
/// libpg_query's parser-based split is the accurate one, but it gives up on the whole file at the
/// first syntax error; its scanner-based split silently drops a statement that does not start
/// with a keyword (`SELEC 1`) and lets an unclosed `(` swallow every later `;`. So: parser split
/// first; on failure, our own split over PostgreSQL's scanner tokens, which keeps every chunk
/// and re-splits a chunk that only fails because a `(` was never closed.
enum StatementSplitter {
  /// - Parameter text: the file's bytes followed by a NUL terminator (not counted in ranges).
  static func split(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    let length = text.count - 1
    let cString = UnsafeRawPointer(text.baseAddress!).assumingMemoryBound(to: CChar.self)
    if case .success(let ranges) = PgQuery.splitWithParser(cString) {
      return ranges
    }
    return splitWithTokens(text, in: 0..<length)
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
    var copy = [CChar](repeating: 0, count: range.count + 1)
    copy.withUnsafeMutableBufferPointer { destination in
      UnsafeMutableRawBufferPointer(destination).copyMemory(
        from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(text)[range]))
    }
    return copy.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
