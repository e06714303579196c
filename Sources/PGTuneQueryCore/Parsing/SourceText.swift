/// A 1-based line and column, as users see them. The column counts Unicode scalars, not bytes.
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
  public let line: Int
  public let column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public var description: String { "\(line):\(column)" }
}

/// Turns UTF-8 byte offsets (what libpg_query reports) into line:column, once per file, at
/// output time. LF, CRLF and lone CR all end a line.
public struct SourceText: Sendable {
  public let bytes: [UInt8]
  private let lineStarts: [Int]
  /// Unicode scalars that start before each multiple of `checkpointStride` bytes, so a column on
  /// a very long line (a 10 MB statement on one line) costs at most one stride of counting
  /// instead of the whole line before it.
  private let scalarCheckpoints: [Int]
  private static let checkpointStride = 4_096

  public init(bytes: [UInt8]) {
    self.bytes = bytes
    (lineStarts, scalarCheckpoints) = bytes.withUnsafeBufferPointer(Self.index)
  }

  /// One pass over the text, a checkpoint stride at a time: where each line starts, and the
  /// scalars before each checkpoint. The scalar count is a loop of its own, without branches, so
  /// the compiler vectorizes it; line ends are rare, so their test is a branch rarely taken (the
  /// combined byte-at-a-time loop was the largest serial step after the parallel analysis).
  private static func index(_ bytes: UnsafeBufferPointer<UInt8>) -> (lineStarts: [Int], checkpoints: [Int]) {
    var starts = [0]
    var checkpoints: [Int] = []
    checkpoints.reserveCapacity(bytes.count / checkpointStride + 1)
    var scalars = 0
    var chunkStart = 0
    repeat {
      checkpoints.append(scalars)
      let chunkEnd = min(chunkStart + checkpointStride, bytes.count)
      var leadBytes = 0
      for index in chunkStart..<chunkEnd { leadBytes &+= Int(truncatingIfNeeded: (bytes[index] & 0xC0 != 0x80) ? 1 : 0) }
      scalars += leadBytes
      for index in chunkStart..<chunkEnd where bytes[index] <= 0x0D {
        // LF ends a line; so does CR, unless an LF follows (CRLF ends it at the LF).
        if bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A)) {
          starts.append(index + 1)
        }
      }
      chunkStart = chunkEnd
    } while chunkStart < bytes.count
    return (starts, checkpoints)
  }

  /// Unicode scalars starting in `bytes[0..<offset]`.
  private func scalars(before offset: Int) -> Int {
    let checkpoint = offset / Self.checkpointStride
    var count = scalarCheckpoints[min(checkpoint, scalarCheckpoints.count - 1)]
    for index in min(checkpoint, scalarCheckpoints.count - 1) * Self.checkpointStride..<offset where bytes[index] & 0xC0 != 0x80 {
      count += 1
    }
    return count
  }

  /// The line:column of a byte offset (clamped to the text).
  public func position(ofByte offset: Int) -> SourcePosition {
    let offset = max(0, min(offset, bytes.count))
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    let lineStart = lineStarts[low]
    // Short distances are counted directly; the checkpoints are for very long lines.
    guard offset - lineStart > 2 * Self.checkpointStride else {
      var column = 1
      for index in lineStart..<offset where bytes[index] & 0xC0 != 0x80 { column += 1 }
      return SourcePosition(line: low + 1, column: column)
    }
    let column = 1 + scalars(before: offset) - scalars(before: lineStart)
    return SourcePosition(line: low + 1, column: column)
  }

  /// The text of a 1-based line, without its line break.
  public func line(_ number: Int) -> String {
    guard number >= 1 && number <= lineStarts.count else { return "" }
    let start = lineStarts[number - 1]
    var end = number < lineStarts.count ? lineStarts[number] : bytes.count
    while end > start && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}
