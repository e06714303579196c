import Foundation

/// libFuzzer entry point. One binary serves every harness: `PGTQ_FUZZ_TARGET` picks which (see
/// `FuzzTarget`), so that the whole core is compiled once.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  FuzzTarget.current.run(bytes)
  return 0
}

/// What each harness feeds its input to. A harness must never crash, hang or trap: every input
/// is either understood or rejected with an error value.
enum FuzzTarget: String, CaseIterable {
  case statements, toml, planJSON = "plan-json", textPlan = "text-plan", logPrefix = "log-prefix", stderrLog = "stderr-log",
    csvLog = "csv-log", jsonLog = "json-log", baseline, envelope, psql

  static let current: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["PGTQ_FUZZ_TARGET"] ?? "statements"
    guard let target = FuzzTarget(rawValue: name) else {
      FileHandle.standardError.write(Data("unknown PGTQ_FUZZ_TARGET \(name): \(allCases.map(\.rawValue))\n".utf8))
      exit(2)
    }
    return target
  }()

  func run(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    switch self {
    case .statements:
      // Split, parse, walk and check every statement, as `analyze` does offline.
      _ = Analyzer(jobs: 1).analyze([SourceFile(name: "fuzz.sql", bytes: bytes)])
    case .toml:
      _ = try? Configuration.parse(text, path: "fuzz.toml")
    case .planJSON:
      if let plans = try? ExplainResult.parseAll(text) {
        for plan in plans { _ = PlanChecker.findings(for: plan, catalog: nil, configuration: Configuration(), offset: 0) }
      }
    case .textPlan:
      if let plan = TextPlanParser.parse(text) {
        _ = PlanChecker.findings(for: plan, catalog: nil, configuration: Configuration(), offset: 0)
      }
    case .logPrefix:
      let parts = text.split(separator: "\n", maxSplits: 1)
      if let format = parts.first, let prefix = try? LogLinePrefix(format: String(format)) {
        var reader = LogReader(format: .stderr, prefix: prefix)
        reader.maxQueries = 64
        _ = Self.read(Array((parts.count > 1 ? parts[1] : "").utf8), reader)
      }
    case .stderrLog: _ = Self.read(bytes, LogReader(format: .stderr))
    case .csvLog: _ = Self.read(bytes, LogReader(format: .csv))
    case .jsonLog: _ = Self.read(bytes, LogReader(format: .json))
    case .baseline:
      // What `load(path:)` does once the file is read.
      _ = try? Baseline.decode(Data(bytes), path: "fuzz.json")
    case .envelope:
      _ = ValueEnvelope.decode(bytes)
    case .psql:
      // psql's reading (meta-commands, variables), then the static analysis of what it gives.
      let script = PsqlScript.read(SourceFile(name: "fuzz.sql", bytes: bytes), variables: ["v": "1", "long": "a much longer value"])
      precondition(script.source.bytes.count == bytes.count, "psql reading changed the length")
      _ = Analyzer(jobs: 1).analyze([script.source])
    }
  }

  /// A log reader over the bytes in memory: the same line cutting and readers as `report FILE`
  /// (the descriptor loop around them only fills blocks), without a pipe and a thread per input.
  static func read(_ bytes: [UInt8], _ reader: LogReader) -> LogReport {
    reader.read(bytes: bytes).0
  }
}
