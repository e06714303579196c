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
  /// `skipping` passes over that many bytes first (after inflating): a gzip log recorded up to
  /// there cannot be positioned by seeking.
  public func read(_ handle: FileHandle, skipping: Int = 0, progress: ((Int) -> Void)? = nil) -> (LogReport, LogDiagnosis) {
    var stream = LogStream(reader: self, skipping: skipping)
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var bytesRead = 0
    while true {
      let count = buffer.withUnsafeMutableBytes { Foundation.read(handle.fileDescriptor, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      // A closed or unreadable descriptor reads as the end of the input, never as a trap.
      if count <= 0 { break }
      bytesRead += count
      progress?(bytesRead)
      buffer.withUnsafeBufferPointer { stream.append(bytes: UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }
    return stream.finish()
  }

  /// Reads a log already in memory exactly as `read(_:progress:)` reads it from a descriptor.
  public func read(bytes: [UInt8]) -> (LogReport, LogDiagnosis) {
    var stream = LogStream(reader: self)
    bytes.withUnsafeBufferPointer { stream.append(bytes: $0) }
    return stream.finish()
  }
}
