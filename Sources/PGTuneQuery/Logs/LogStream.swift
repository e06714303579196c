import Foundation

/// The bytes of one log read so far, cut into lines: a gzip stream is inflated, an unfinished
/// line waits for the next block, a line longer than `LogReader.maxLineBytes` is cut there.
struct LogStream {
  private var lines: LogLines
  private let maxLineBytes: Int
  private var gzip: GzipDecoder?
  private var first = true
  private var remainder = Data()
  private var truncatedLines = 0
  /// Bytes of an over-long line still to be skipped up to its newline (see maxLineBytes).
  private var skippingLongLine = false

  /// Inflated bytes still to pass over before the first line (a gzip log recorded up to there).
  private var toSkip: Int

  init(reader: LogReader, continuesEarlierPart: Bool = false, skipping: Int = 0, identities: QueryIdentities = QueryIdentities()) {
    lines = LogLines(reader: reader, continuesEarlierPart: continuesEarlierPart, identities: identities)
    maxLineBytes = reader.maxLineBytes
    toSkip = skipping
  }

  /// The next bytes of the log, as read (compressed for gzip). Read straight from the caller's
  /// buffer: copying each 1 MB block into a `Data`, then into the waiting bytes, then into a
  /// String cost a tenth of `report` in copies and fresh pages.
  mutating func append(bytes input: UnsafeBufferPointer<UInt8>) {
    if first {
      first = false
      if input.count >= 2, input[0] == 0x1f, input[1] == 0x8b { gzip = GzipDecoder() }
    }
    if let gzip {
      let inflated = gzip.inflate(Data(buffer: input))
      inflated.withUnsafeBytes { appendInflated($0.bindMemory(to: UInt8.self)) }
    } else {
      appendInflated(input)
    }
  }

  private mutating func appendInflated(_ input: UnsafeBufferPointer<UInt8>) {
    var block = input
    if toSkip > 0 {
      let passed = min(toSkip, block.count)
      toSkip -= passed
      block = UnsafeBufferPointer(rebasing: block[passed...])
      if block.isEmpty { return }
    }
    // Only the new bytes are searched for a line end: one 200 MB line costs one pass, not one
    // pass per block over everything read so far.
    guard let lastNewline = Self.lastNewline(in: block) else {
      if skippingLongLine { return }
      remainder.append(contentsOf: block)
      if remainder.count > maxLineBytes {
        remainder = Data(remainder.prefix(maxLineBytes))
        skippingLongLine = true
        truncatedLines += 1
      }
      return
    }
    if skippingLongLine {
      // The end of the over-long line is the first newline of this block.
      let firstNewline = block.firstIndex(of: 0x0A) ?? lastNewline
      lines.consume(String(decoding: remainder, as: UTF8.self)[...])
      remainder = Data()
      skippingLongLine = false
      block = UnsafeBufferPointer(rebasing: block[(firstNewline + 1)...])
      guard let newLast = Self.lastNewline(in: block) else {
        remainder.append(contentsOf: block)
        return
      }
      consumeLines(through: newLast, of: block)
      return
    }
    consumeLines(through: lastNewline, of: block)
  }

  /// Searched from the end: a block's last line end is a line's length from it.
  private static func lastNewline(in block: UnsafeBufferPointer<UInt8>) -> Int? { block.lastIndex(of: 0x0A) }

  /// The waiting bytes and `block` up to its newline at `lastNewline` become lines (one String,
  /// made in one copy, invalid UTF-8 repaired as `String(decoding:)` repairs it); what follows
  /// the newline waits for the next block.
  private mutating func consumeLines(through lastNewline: Int, of block: UnsafeBufferPointer<UInt8>) {
    let waiting = remainder
    let text = String(unsafeUninitializedCapacity: waiting.count + lastNewline) { output in
      let copied = waiting.withUnsafeBytes { waitingBytes in
        UnsafeMutableRawBufferPointer(output).copyMemory(from: waitingBytes)
        return waitingBytes.count
      }
      if lastNewline > 0, let base = block.baseAddress {
        (output.baseAddress! + copied).update(from: base, count: lastNewline)
      }
      return copied + lastNewline
    }
    remainder = Data(UnsafeBufferPointer(rebasing: block[(lastNewline + 1)...]))
    consumeLines(of: text)
  }

  /// Every line of `text` (the last one need not end with a newline). Line ends are found with
  /// memchr in the string's own UTF-8 (invalid bytes were replaced when it was made, so offsets
  /// are its own): the generic `split` called a closure per byte and was an eighth of `report`.
  private mutating func consumeLines(of text: String) {
    let utf8 = text.utf8
    let handled: Void? = utf8.withContiguousStorageIfAvailable { buffer in
      guard let base = buffer.baseAddress else {
        lines.consume(text[...])
        return
      }
      var lineStart = 0
      var start = utf8.startIndex
      while lineStart <= buffer.count {
        let remaining = buffer.count - lineStart
        let found = remaining > 0 ? memchr(base + lineStart, 0x0A, remaining) : nil
        let lineEnd = found.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? buffer.count
        // Offsetting a native string's UTF-8 index is constant time.
        let end = utf8.index(start, offsetBy: lineEnd - lineStart)
        lines.consume(Substring(utf8[start..<end]))
        if found == nil { break }
        start = utf8.index(after: end)
        lineStart = lineEnd + 1
      }
    }
    if handled == nil {
      for line in utf8.split(separator: 0x0A, omittingEmptySubsequences: false) { lines.consume(Substring(line)) }
    }
  }

  mutating func finish() -> (LogReport, LogDiagnosis) {
    let part = finishPart()
    return (part.report, part.diagnosis)
  }

  /// The query shapes fingerprinted so far, for the next part the same thread reads.
  var identities: QueryIdentities { lines.identities }

  mutating func finishPart() -> LogPart {
    gzip?.finish()
    if !remainder.isEmpty || skippingLongLine { lines.consume(String(decoding: remainder, as: UTF8.self)[...]) }
    return lines.finish(readFailure: gzip?.failure, truncatedLines: truncatedLines)
  }
}

/// Lines to events to aggregates: the format (detected from the first line unless given), each
/// format's reader, and the aggregator.
struct LogLines {
  private var aggregator: LogAggregator
  private var stderrReader: StderrLogReader
  private var csvReader = CSVLogReader()
  private var detected: LogFormat?
  private let prefix: LogLinePrefix?
  private var lines = 0
  private var messages = 0
  private var unrecognizedJSON: [String] = []

  init(reader: LogReader, continuesEarlierPart: Bool, identities: QueryIdentities) {
    aggregator = LogAggregator(filter: reader.filter, configuration: reader.configuration)
    aggregator.identities = identities
    aggregator.maxQueries = reader.maxQueries
    aggregator.continuesEarlierPart = continuesEarlierPart
    stderrReader = StderrLogReader(prefix: reader.prefix)
    detected = reader.format
    prefix = reader.prefix
  }

  var identities: QueryIdentities { aggregator.identities }

  mutating func consume(_ text: Substring) {
    lines += 1
    var line = text
    if line.last == "\r" { line = line.dropLast() }
    if detected == nil {
      if line.isEmpty { return }
      detected = LogFormat.detect(line)
    }
    if let event = event(from: line) {
      messages += 1
      aggregator.consume(event)
    }
  }

  private mutating func event(from line: Substring) -> LogEvent? {
    switch detected ?? .stderr {
    case .stderr: return stderrReader.feed(line)
    case .csv: return csvReader.feed(line)
    case .json:
      if let event = JSONLogReader.event(from: line) { return event }
      // A logging service's envelope (Cloud SQL, CloudNativePG) around the server's line.
      switch CloudJSONLog.unwrap(line) {
      case .stderrLine(let text): return stderrReader.feed(Substring(text))
      case .event(let unwrapped): return unwrapped
      case .service: return nil
      case nil:
        if unrecognizedJSON.count < 5 && !line.isEmpty { unrecognizedJSON.append(String(line.prefix(200))) }
        return nil
      }
    }
  }

  mutating func finish(readFailure: String?, truncatedLines: Int) -> LogPart {
    let endsBetweenRecords = csvReader.isBetweenRecords
    if let last = stderrReader.finish() {
      messages += 1
      aggregator.consume(last)
    }
    let sessions = aggregator.sessions
    let endState = aggregator.sessionState
    var report = aggregator.finish()
    report.linesRead = lines
    let diagnosis = LogDiagnosis(
      format: detected ?? .stderr, prefix: prefix?.format, readFailure: readFailure, linesRead: lines, recognizedMessages: messages,
      unrecognizedLines: detected == .json ? unrecognizedJSON : stderrReader.unrecognized, truncatedLines: truncatedLines)
    return LogPart(
      report: report, diagnosis: diagnosis, sessions: sessions, endState: endState, endsBetweenRecords: endsBetweenRecords)
  }
}

/// What one part of a log gave: its report and diagnosis, and what the stitch with the parts
/// around it needs (see `LogParts`).
struct LogPart: Sendable {
  var report: LogReport
  var diagnosis: LogDiagnosis
  var sessions: SessionCarry
  var endState: SessionState
  /// False when the part ended inside a quoted csv field: the next part then began inside a
  /// record, and the parts must be read again as one.
  var endsBetweenRecords: Bool
  /// The file offset the part's read stopped at (set by `readPart`).
  var end = 0
}
