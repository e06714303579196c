import Foundation

/// One large log read on several cores: cut into parts at lines that start a message, each part
/// read into a partial report at once, the parts stitched in file order. The report is the one
/// a single read gives: a cut never falls inside a multi-line message (it is made only before a
/// line the reader takes for a message start wherever it stands), a csv part that ends inside a
/// quoted field sends the whole file back to a single read, and what a session carries across a
/// cut — a `log_statement` line waiting for its `log_duration`, an error for its `STATEMENT` —
/// is handed over by `SessionState` and `SessionCarry`. (One difference remains by design: with
/// more distinct queries than `--max-queries`, which light queries are folded away may differ.)
enum LogParts {
  /// Below this a part is not worth a second aggregator and a merge.
  static let defaultMinimumPartBytes = 16 << 20
  /// A log read on n threads is cut into up to 4n pieces (of at least a quarter of the minimum).
  static let piecesPerThread = 4

  /// Reads `handle` from its current offset to its end in up to `parts` parts; a file that is
  /// not a regular uncompressed stderr, csv or json log, or too small, is read whole. `progress` gets
  /// the bytes read since its last call (from several threads).
  static func read(
    _ handle: FileHandle, with reader: LogReader, parts: Int, minimumPartBytes: Int = defaultMinimumPartBytes,
    skippingInflated: Int = 0, progress: (@Sendable (Int) -> Void)? = nil
  ) -> (LogReport, LogDiagnosis) {
    // A gzip log read from an inflated offset is read whole (and never cut: it is compressed).
    // More pieces than threads, each thread taking the next: the halves of a log cost unequal
    // time (its plans and errors bunch up), and with one piece per thread one of two cores sat
    // idle for a third of the read.
    guard parts > 1, skippingInflated == 0,
      let plan = plan(
        handle, reader: reader, parts: parts * piecesPerThread, minimumPartBytes: minimumPartBytes / piecesPerThread)
    else {
      return whole(handle, reader, skipping: skippingInflated, progress)
    }
    let partReader = reader.reading(plan.format)
    let read = ParallelRunner.map(
      count: plan.ranges.count, workers: parts, batch: 1, makeWorker: { QueryIdentities() },
      { identities, index in
        var previous = 0
        return partReader.readPart(handle, range: plan.ranges[index], continuesEarlierPart: index > 0, identities: &identities) { read in
          progress?(read - previous)
          previous = read
        }
      }, finish: { _ in })
    guard read.dropLast().allSatisfy(\.endsBetweenRecords) else {
      // A cut fell inside a quoted csv field: read the file as one part after all.
      _ = try? handle.seek(toOffset: UInt64(plan.ranges[0].lowerBound))
      return whole(handle, reader, progress)
    }
    // Parts are read with pread: leave the handle where a single read would, at the end of
    // what was read (the read-once ledger records that offset).
    _ = lseek(handle.fileDescriptor, off_t(read[read.count - 1].end), SEEK_SET)
    return stitch(read, reader: partReader)
  }

  private static func whole(
    _ handle: FileHandle, _ reader: LogReader, skipping: Int = 0, _ progress: (@Sendable (Int) -> Void)?
  ) -> (LogReport, LogDiagnosis) {
    var previous = 0
    return reader.read(handle, skipping: skipping) { read in
      progress?(read - previous)
      previous = read
    }
  }

  struct Plan {
    let format: LogFormat
    /// Byte ranges in the file; the last one ends at `Int.max` (read to the end).
    let ranges: [Range<Int>]
  }

  /// Where to cut, or nil to read the file whole.
  static func plan(_ handle: FileHandle, reader: LogReader, parts: Int, minimumPartBytes: Int) -> Plan? {
    let descriptor = handle.fileDescriptor
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
    let start = Int(lseek(descriptor, 0, SEEK_CUR))
    let size = Int(status.st_size)
    let parts = min(parts, (size - start) / max(1, minimumPartBytes))
    guard start >= 0, parts > 1, let head = readBytes(descriptor, at: start, count: 64 << 10), !head.isEmpty else { return nil }
    guard !GzipDecoder.isGzip(Data(head)), let format = reader.format ?? detect(head) else { return nil }
    // A jsonlog is one event per line and may be cut before any event; a logging service's
    // envelope around stderr lines (Cloud SQL, CloudNativePG) carries a multi-line statement
    // over several lines, and such a file is read whole.
    if format == .json, !startsPart(firstLine(head)[...], format: .json) { return nil }
    var cuts = [start]
    for index in 1..<parts {
      guard let cut = cut(descriptor, near: start + (size - start) * index / parts, format: format), cut > cuts[cuts.count - 1]
      else { continue }
      cuts.append(cut)
    }
    guard cuts.count > 1 else { return nil }
    let ranges = zip(cuts, cuts.dropFirst() + [Int.max]).map { $0..<$1 }
    return Plan(format: format, ranges: ranges)
  }

  /// The first non-empty line's bytes (without a carriage return).
  private static func firstLine(_ head: [UInt8]) -> [UInt8] {
    for line in head.split(separator: 0x0A) where !line.isEmpty {
      let trimmed = line.last == 0x0D ? line.dropLast() : line
      if !trimmed.isEmpty { return Array(trimmed) }
    }
    return []
  }

  /// The format from the first non-empty line, as a single read detects it.
  private static func detect(_ head: [UInt8]) -> LogFormat? {
    let line = firstLine(head)
    return line.isEmpty ? nil : LogFormat.detect(Substring(String(decoding: line, as: UTF8.self)))
  }

  /// The start of the first line after `offset` where a part may begin: a line the stderr
  /// reader takes for a message start wherever it stands, a csv line that starts with a
  /// timestamp (checked after the read: the part before must end between records), a jsonlog
  /// event.
  private static func cut(_ descriptor: Int32, near offset: Int, format: LogFormat) -> Int? {
    let window = 1 << 20
    var position = offset
    // Where the line being read starts, relative to `position`; nil while inside the line the
    // nominal offset fell in (or a line longer than the window).
    var lineStart: Int? = nil
    // Lines are looked for within 16 MB of the nominal cut; a log with longer lines is cut less.
    while position < offset + (16 << 20), let bytes = readBytes(descriptor, at: position, count: window), !bytes.isEmpty {
      var sawNewline = false
      for index in bytes.indices where bytes[index] == 0x0A {
        if let start = lineStart, startsPart(bytes[start..<index], format: format) { return position + start }
        lineStart = index + 1
        sawNewline = true
      }
      if bytes.count < window { return nil }
      // Go on from the last line start seen: its line runs past the window.
      if sawNewline, let start = lineStart {
        position += start
        lineStart = 0
      } else {
        position += bytes.count
        lineStart = nil
      }
    }
    return nil
  }

  private static func startsPart(_ line: ArraySlice<UInt8>, format: LogFormat) -> Bool {
    switch format {
    case .stderr:
      return StderrLogReader.split(Substring(String(decoding: line, as: UTF8.self))) != nil
    case .csv:
      guard line.count > 20 else { return false }
      let base = line.startIndex
      return (0..<4).allSatisfy { (0x30...0x39).contains(line[base + $0]) } && line[base + 4] == UInt8(ascii: "-")
    case .json:
      // A server jsonlog event (not a service's envelope, which is read whole).
      return JSONLogReader.event(from: Substring(String(decoding: line, as: UTF8.self))) != nil
    }
  }

  static func readBytes(_ descriptor: Int32, at offset: Int, count: Int) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset + filled)) }
      if read < 0 && errno == EINTR { continue }
      if read < 0 { return nil }
      if read == 0 { break }
      filled += read
    }
    bytes.removeSubrange(filled...)
    return bytes
  }

  /// The parts' reports in file order, each part's first lines of sessions that were waiting
  /// for something resolved against the state the parts before it left.
  static func stitch(_ parts: [LogPart], reader: LogReader) -> (LogReport, LogDiagnosis) {
    var report = parts[0].report
    var sessions = parts[0].endState
    for part in parts.dropFirst() {
      var stitcher = LogAggregator(filter: reader.filter, configuration: reader.configuration, continuing: sessions)
      stitcher.maxQueries = reader.maxQueries
      for event in part.sessions.heads { stitcher.consume(event) }
      report = LogReportMerge.merge(report, stitcher.finish())
      report = LogReportMerge.merge(report, part.report)
      sessions.advance(over: part.endState, touched: part.sessions)
    }
    report.compact(to: reader.maxQueries)
    return (report, LogDiagnosis.merged(parts.map(\.diagnosis)))
  }
}

extension LogDiagnosis {
  /// One diagnosis for the parts of one input.
  static func merged(_ parts: [LogDiagnosis]) -> LogDiagnosis {
    LogDiagnosis(
      format: parts[0].format, prefix: parts[0].prefix, readFailure: parts.lazy.compactMap(\.readFailure).first,
      linesRead: parts.reduce(0) { $0 + $1.linesRead }, recognizedMessages: parts.reduce(0) { $0 + $1.recognizedMessages },
      unrecognizedLines: Array(parts.flatMap(\.unrecognizedLines).prefix(5)),
      truncatedLines: parts.reduce(0) { $0 + $1.truncatedLines })
  }
}

extension LogReader {
  /// The same reader with the format fixed (parts after the first do not guess it again).
  func reading(_ detected: LogFormat) -> LogReader {
    var copy = LogReader(format: detected, filter: filter, prefix: prefix, configuration: configuration)
    copy.maxLineBytes = maxLineBytes
    copy.maxQueries = maxQueries
    return copy
  }

  /// Reads `range` of the file (to its end for an upper bound past it) as one part.
  func readPart(
    _ handle: FileHandle, range: Range<Int>, continuesEarlierPart: Bool, identities: inout QueryIdentities, progress: (Int) -> Void
  ) -> LogPart {
    // The thread's fingerprints move into the part's reader and back out after it.
    var stream = LogStream(reader: self, continuesEarlierPart: continuesEarlierPart, identities: identities)
    identities = QueryIdentities()
    defer { identities = stream.identities }
    var offset = range.lowerBound
    // One buffer for every block of the part (a fresh one per block was fresh pages each time).
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while offset < range.upperBound {
      let wanted = Swift.min(buffer.count, range.upperBound - offset)
      let count = buffer.withUnsafeMutableBytes { pread(handle.fileDescriptor, $0.baseAddress!, wanted, off_t(offset)) }
      if count < 0 && errno == EINTR { continue }
      // An unreadable part ends where the read failed, as the single read does.
      if count <= 0 { break }
      offset += count
      progress(offset - range.lowerBound)
      buffer.withUnsafeBufferPointer { stream.append(bytes: UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }
    var part = stream.finishPart()
    part.end = offset
    return part
  }
}
