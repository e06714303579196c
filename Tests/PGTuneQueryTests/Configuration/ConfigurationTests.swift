import Foundation
import PGTuneQuery
import TestSupport
import Testing

@Suite struct ConfigurationTests {
  @Test func fullFile() throws {
    let configuration = try Configuration.parse(
      """
      # team settings
      version = 1
      fail_on = "warning"
      disable = ["union-without-all", 'or-to-in']

      [rules.select-star]
      severity = "info"

      [rules."large-offset"]
      threshold = 5_000   # rows
      """, path: "cfg.toml")
    #expect(configuration.failOn == .warning)
    #expect(!configuration.isEnabled("union-without-all"))
    #expect(!configuration.isEnabled("or-to-in"))
    #expect(configuration.isEnabled("select-star"))
    #expect(configuration.rules["select-star"]?.severity == .info)
    #expect(configuration.rules["large-offset"]?.options["threshold"] == .integer(5000))
  }

  @Test(arguments: [
    ("fail_on = \"fatal\"", "cfg.toml:1:1: 'fail_on' must be info, warning or error, not 'fatal'"),
    ("fail_on = \"eror\"", "cfg.toml:1:1: 'fail_on' must be info, warning or error, not 'eror' (did you mean 'error'?)"),
    ("[rules.no-such-rule]\nenabled = false", "cfg.toml:1:1: unknown rule 'no-such-rule' (see `pgtune-query rules` for the list)"),
    ("\n[rules.selectstar]\nseverity = \"info\"", "cfg.toml:2:1: unknown rule 'selectstar' (did you mean 'select-star'?) (see `pgtune-query rules` for the list)"),
    ("version = 99", "cfg.toml:1:1: version 99 is newer than this pgtune-query understands (1); upgrade pgtune-query"),
    ("version = \"1\"", "cfg.toml:1:1: 'version' has the wrong type (an integer)"),
    // Options are declared by their rule: a typo or a wrong type is an error at its line.
    ("[rules.large-offset]\nthreshhold = 5", "cfg.toml:2:1: rule large-offset has no option 'threshhold' (did you mean 'threshold'?); it takes enabled, severity, threshold"),
    ("[rules.large-offset]\nthreshold = \"x\"", "cfg.toml:2:1: large-offset.threshold takes an integer"),
    ("[rules.large-offset]\nthreshold = 5.5", "cfg.toml:2:1: large-offset.threshold takes an integer"),
    ("[rules.select-star]\nenabled = \"no\"", "cfg.toml:2:1: 'enabled' takes true or false"),
    ("[rules.select-star]\nthreshold = 5", "cfg.toml:2:1: rule select-star has no option 'threshold'; it takes enabled, severity, rows"),
    ("x = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]", "cfg.toml:1:22: arrays nested more than 16 deep"),
    ("disable = [\"select-star\"\n", "cfg.toml:1:25: expected ',' or ']' (arrays must be on one line)"),
    ("x = yes", "cfg.toml:1:5: cannot read value 'yes' (strings need quotes)"),
    ("colour = true", "cfg.toml:1:1: unknown setting 'colour'"),
    ("failon = \"error\"", "cfg.toml:1:1: unknown setting 'failon' (did you mean 'fail_on'?)"),
  ])
  func errorsSayWhereAndWhat(text: String, message: String) {
    #expect(throws: ConfigurationError(message: message)) { try Configuration.parse(text, path: "cfg.toml") }
  }

  @Test func hostileNestingIsAnErrorNotACrash() {
    let text = "x = " + String(repeating: "[", count: 100_000)
    #expect(throws: ConfigurationError.self) { try Configuration.parse(text, path: "cfg.toml") }
  }

  @Test func runSettingsReachEveryRuleThatDeclaresThem() throws {
    var configuration = try Configuration.parse("[rules.seq-scan-large-table]\nrows = 5", path: "cfg.toml")
    configuration.applyDefault(.largeTableRows, 777)
    // The file's value wins over a default; rules the file does not set get it.
    #expect(configuration.rules["seq-scan-large-table"]?.options["rows"] == .integer(5))
    #expect(configuration.rules["nested-loop-large-outer"]?.options["rows"] == .double(777))
    #expect(configuration.rules["select-star"]?.options["rows"] == .double(777))
    configuration.apply(.largeTableRows, 42)
    #expect(configuration.rules["seq-scan-large-table"]?.options["rows"] == .double(42))
    #expect(configuration.rules["large-offset"]?.options["rows"] == nil)
  }

  @Test func optionsReachTheRule() {
    var configuration = Configuration()
    configuration.rules["large-offset"] = .init(enabled: nil, severity: .error, options: ["threshold": .integer(10)])
    let file = Analyzer(configuration: configuration, jobs: 1)
      .analyze([SourceFile(name: "t.sql", bytes: Array("SELECT id FROM t ORDER BY id OFFSET 50".utf8))])[0]
    let finding = file.statements[0].findings.first { $0.rule == "large-offset" }
    #expect(finding?.severity == .error)
  }

  @Test func foundByWalkingUp() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-config-\(UUID().uuidString)")
    let nested = root.appendingPathComponent("a/b")
    try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    try "fail_on = \"info\"\n".write(to: root.appendingPathComponent(".pgtune-query.toml"), atomically: true, encoding: .utf8)
    let configuration = try Configuration.load(path: nil, searchingFrom: nested.path)
    #expect(configuration.failOn == .info)
    #expect(configuration.path?.hasSuffix(".pgtune-query.toml") == true)
  }
}
