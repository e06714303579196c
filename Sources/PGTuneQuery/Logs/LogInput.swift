import Foundation

/// The log formats `report` reads.
public enum LogFormat: String, Sendable, CaseIterable {
  case stderr, csv, json

  /// Guesses from the first non-empty line: `{` is jsonlog; a timestamp followed by a comma is
  /// csvlog; anything else is stderr/syslog text.
  public static func detect(_ line: Substring) -> LogFormat {
    if line.first == "{" { return .json }
    if let comma = line.firstIndex(of: ","), line[..<comma].count <= 32, line[..<comma].contains(":"),
      line.prefix(4).allSatisfy(\.isNumber)
    {
      return .csv
    }
    return .stderr
  }
}

/// Why a log produced no query, for the "never silently empty" diagnosis.
public struct LogDiagnosis: Sendable {
  public let format: LogFormat
  /// The `log_line_prefix` given with --prefix, if any.
  public let prefix: String?
  /// A compressed input that could not be inflated to its end.
  public let readFailure: String?
  public let linesRead: Int
  public let recognizedMessages: Int
  public let unrecognizedLines: [String]
  /// Lines longer than `maxLineBytes`, cut there (still counted).
  public var truncatedLines = 0
}

/// Reads a log stream in large blocks and feeds the aggregator line by line.
public struct LogReader: Sendable {
  public let format: LogFormat?
  public let filter: LogFilter
  public let prefix: LogLinePrefix?
  /// Plan rules' settings for logged plans.
  public let configuration: Configuration
  /// A line longer than this is cut here (and counted): memory stays bounded on a corrupt log.
  public var maxLineBytes = 64 << 20
  /// Distinct queries kept exactly (see `LogAggregator.maxQueries`).
  public var maxQueries = 100_000

  public init(
    format: LogFormat? = nil, filter: LogFilter = LogFilter(), prefix: LogLinePrefix? = nil,
    configuration: Configuration = Configuration()
  ) {
    self.format = format
    self.filter = filter
    self.prefix = prefix
    self.configuration = configuration
  }

  /// Reads `handle` to its end; gzip input (by its magic number) is inflated as it streams.
  /// Invalid UTF-8 is replaced, CRLF accepted, a truncated last line still counts. `progress`
  /// gets the bytes read so far (compressed bytes for gzip).
  public func read(_ handle: FileHandle, progress: ((Int) -> Void)? = nil) -> (LogReport, LogDiagnosis) {
    var aggregator = LogAggregator(filter: filter, configuration: configuration)
    aggregator.maxQueries = maxQueries
    var stderrReader = StderrLogReader(prefix: prefix)
    var csvReader = CSVLogReader()
    var detected = format
    var remainder = Data()
    var lines = 0
    var messages = 0
    var unrecognizedJSON: [String] = []

    func consumeLine(_ line: Substring) {
      lines += 1
      var line = line
      if line.last == "\r" { line = line.dropLast() }
      if detected == nil {
        if line.isEmpty { return }
        detected = LogFormat.detect(line)
      }
      var event: LogEvent?
      switch detected ?? .stderr {
      case .stderr: event = stderrReader.feed(line)
      case .csv: event = csvReader.feed(line)
      case .json:
        event = JSONLogReader.event(from: line)
        if event == nil {
          // A logging service's envelope (Cloud SQL, CloudNativePG) around the server's line.
          switch CloudJSONLog.unwrap(line) {
          case .stderrLine(let text): event = stderrReader.feed(Substring(text))
          case .event(let unwrapped): event = unwrapped
          case .service: break
          case nil:
            if unrecognizedJSON.count < 5 && !line.isEmpty { unrecognizedJSON.append(String(line.prefix(200))) }
          }
        }
      }
      if let event {
        messages += 1
        aggregator.consume(event)
      }
    }

    var gzip: GzipDecoder?
    var first = true
    var bytesRead = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var truncatedLines = 0
    // Bytes of an over-long line still to be skipped up to its newline (see maxLineBytes).
    var skippingLongLine = false
    while true {
      let count = buffer.withUnsafeMutableBytes { Foundation.read(handle.fileDescriptor, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      // A closed or unreadable descriptor reads as the end of the input, never as a trap.
      if count <= 0 { break }
      var block = Data(buffer[0..<count])
      bytesRead += count
      progress?(bytesRead)
      if first {
        first = false
        if GzipDecoder.isGzip(block) { gzip = GzipDecoder() }
      }
      if let gzip { block = gzip.inflate(block) }
      // Only the new bytes are searched for a line end: one 200 MB line costs one pass, not one
      // pass per block over everything read so far.
      guard let lastNewline = block.lastIndex(of: 0x0A) else {
        if skippingLongLine { continue }
        remainder.append(block)
        if remainder.count > maxLineBytes {
          remainder = Data(remainder.prefix(maxLineBytes))
          skippingLongLine = true
          truncatedLines += 1
        }
        continue
      }
      if skippingLongLine {
        // The end of the over-long line is the first newline of this block.
        let firstNewline = block.firstIndex(of: 0x0A) ?? lastNewline
        consumeLine(String(decoding: remainder, as: UTF8.self)[...])
        remainder = Data()
        skippingLongLine = false
        block = Data(block[(firstNewline + 1)...])
        guard let newLast = block.lastIndex(of: 0x0A) else {
          remainder.append(block)
          continue
        }
        remainder.append(block[block.startIndex..<newLast])
        let text = String(decoding: remainder, as: UTF8.self)
        remainder = Data(block[(newLast + 1)...])
        for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) { consumeLine(Substring(line)) }
        continue
      }
      remainder.append(block[block.startIndex..<lastNewline])
      let text = String(decoding: remainder, as: UTF8.self)
      remainder = Data(block[(lastNewline + 1)...])
      // Split on bytes, not Characters: lines are found at memchr speed.
      for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) { consumeLine(Substring(line)) }
    }
    gzip?.finish()
    if !remainder.isEmpty || skippingLongLine { consumeLine(String(decoding: remainder, as: UTF8.self)[...]) }
    if let last = stderrReader.finish() {
      messages += 1
      aggregator.consume(last)
    }
    var report = aggregator.finish()
    report.linesRead = lines
    let diagnosis = LogDiagnosis(
      format: detected ?? .stderr, prefix: prefix?.format, readFailure: gzip?.failure, linesRead: lines, recognizedMessages: messages,
      unrecognizedLines: detected == .json ? unrecognizedJSON : stderrReader.unrecognized, truncatedLines: truncatedLines)
    return (report, diagnosis)
  }
}
