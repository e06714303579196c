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
    ("fail_on = \"fatal\"", "cfg.toml: 'fail_on' must be info, warning or error, not 'fatal'"),
    ("[rules.no-such-rule]\nenabled = false", "cfg.toml: unknown rule 'no-such-rule' (see `pgtune-query rules` for the list)"),
    ("version = 99", "cfg.toml: version 99 is newer than this pgtune-query understands (1); upgrade pgtune-query"),
    ("disable = [\"select-star\"\n", "cfg.toml:1:25: expected ',' or ']' (arrays must be on one line)"),
    ("x = yes", "cfg.toml:1:5: cannot read value 'yes' (strings need quotes)"),
    ("colour = true", "cfg.toml: unknown setting 'colour' (or wrong type)"),
  ])
  func errorsSayWhereAndWhat(text: String, message: String) {
    #expect(throws: ConfigurationError(message: message)) { try Configuration.parse(text, path: "cfg.toml") }
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
