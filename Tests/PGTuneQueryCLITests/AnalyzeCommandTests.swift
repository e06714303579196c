import Foundation
import TestSupport
import Testing

/// End-to-end: the built binary, its stdout, stderr and exit status.
@Suite struct AnalyzeCommandTests {
  private let bad = Repository.path("Fixtures/sql/examples/bad.sql")

  @Test func badExampleReportsLineThreeAndTheOtherStatements() throws {
    let result = try runPGTuneQuery(["analyze", bad])
    #expect(result.status == 1)
    #expect(result.stdout.contains("bad.sql:3:100: error: [syntax-error] syntax error at end of input"))
    #expect(result.stdout.contains("bad.sql:2:36: error: [compare-to-null]"))
    #expect(result.stdout.contains("bad.sql:4:1: warning: [delete-without-where]"))
  }

  @Test func analyzeIsTheDefaultSubcommand() throws {
    let result = try runPGTuneQuery([bad])
    #expect(result.status == 1)
    #expect(result.stdout.contains("[syntax-error]"))
  }

  @Test func failOnDecidesTheExitStatus() throws {
    let warningsOnly = Data("DELETE FROM t".utf8)
    #expect(try runPGTuneQuery(["analyze", "-"], stdin: warningsOnly).status == 0)
    #expect(try runPGTuneQuery(["analyze", "--fail-on", "warning", "-"], stdin: warningsOnly).status == 1)
    #expect(try runPGTuneQuery(["analyze", "--fail-on", "warning", "--disable", "delete-without-where", "-"], stdin: warningsOnly).status == 0)
  }

  @Test func standardInputWithAName() throws {
    let result = try runPGTuneQuery(
      ["analyze", "--stdin-name", "piped.sql", "--format", "json", "-"], stdin: Data("SELECT 1 FROM t, u".utf8))
    #expect(result.status == 0)
    #expect(result.stdout.contains("\"file\":\"piped.sql\""))
    #expect(result.stdout.contains("\"rule\":\"cartesian-join\""))
  }

  @Test func configurationFileIsFoundAndOverriddenByFlags() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try "fail_on = \"warning\"\n".write(to: directory.appendingPathComponent(".pgtune-query.toml"), atomically: true, encoding: .utf8)
    let input = Data("DELETE FROM t".utf8)
    #expect(try runPGTuneQuery(["analyze", "-"], stdin: input, currentDirectory: directory.path).status == 1)
    #expect(try runPGTuneQuery(["analyze", "--fail-on", "error", "-"], stdin: input, currentDirectory: directory.path).status == 0)
    try "fail_on = \"sometimes\"\n".write(to: directory.appendingPathComponent(".pgtune-query.toml"), atomically: true, encoding: .utf8)
    let broken = try runPGTuneQuery(["analyze", "-"], stdin: input, currentDirectory: directory.path)
    #expect(broken.status == 2)
    #expect(broken.stderr.contains("'fail_on' must be info, warning or error"))
  }

  @Test(arguments: [
    ["analyze", "--format", "xml", "x.sql"], ["analyze"], ["analyze", "--disable", "no-such-rule", "x.sql"],
    ["analyze", "--jobs", "0", "x.sql"], ["no-such-subcommand-or-file.sql", "--bogus"],
  ])
  func usageErrorsExitTwo(arguments: [String]) throws {
    let result = try runPGTuneQuery(arguments)
    #expect(result.status == 2, "\(arguments): \(result.stderr)")
    #expect(!result.stderr.isEmpty)
  }

  /// A bare `pgtune-query` shows the help; a typo'd subcommand is not taken for a file name.
  @Test func bareCommandAndMistypedSubcommands() throws {
    let bare = try runPGTuneQuery([])
    #expect(bare.status == 0)
    #expect(bare.stdout.contains("OVERVIEW: Find what is slow or wrong in PostgreSQL SQL"))
    let typo = try runPGTuneQuery(["analyz", "x.sql"])
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("unknown subcommand 'analyz' (did you mean 'analyze'?)"))
    #expect(!typo.stderr.contains("no such file"))
  }

  /// A mistyped rule id gets the closest one, for --disable/--enable and `rules ID`.
  @Test func mistypedRuleIds() throws {
    let disable = try runPGTuneQuery(["analyze", "--disable", "selectstar", "-"], stdin: Data("SELECT 1".utf8))
    #expect(disable.status == 2)
    #expect(disable.stderr.contains("unknown rule 'selectstar' (did you mean 'select-star'?)"), "\(disable.stderr)")
    let rules = try runPGTuneQuery(["rules", "compare-to-nul"])
    #expect(rules.status == 2 && rules.stderr.contains("(did you mean 'compare-to-null'?)"), "\(rules.stderr)")
  }

  /// `--quiet` prints the findings only; `--color always|never` override the terminal check
  /// (tests run on a pipe, where `auto` means none), and NO_COLOR does not beat `always`.
  @Test func quietAndColor() throws {
    let sql = Data("SELECT a FROM t WHERE b = NULL;".utf8)
    let plain = try runPGTuneQuery(["analyze", "-"], stdin: sql)
    #expect(plain.stdout.contains("1 statement analyzed"))
    let quiet = try runPGTuneQuery(["analyze", "--quiet", "-"], stdin: sql)
    #expect(quiet.status == 1)
    #expect(quiet.stdout.hasPrefix("<stdin>:1:25: error: [compare-to-null]"), "\(quiet.stdout)")
    #expect(!quiet.stdout.contains("statement analyzed"))
    let always = try runPGTuneQuery(["analyze", "--color", "always", "-"], stdin: sql)
    #expect(always.stdout.contains("\u{1B}[1;31merror\u{1B}[0m"), "\(always.stdout)")
    let never = try runPGTuneQuery(["analyze", "--color", "never", "-"], stdin: sql)
    #expect(!never.stdout.contains("\u{1B}["))
    #expect(!plain.stdout.contains("\u{1B}["))
    let onTerminal = try runShell("NO_COLOR= TERM=xterm script -qec '\(pgtuneQueryBinary.path) analyze --color never /dev/null' /dev/null")
    #expect(!onTerminal.stdout.contains("\u{1B}[1;"))
    let badChoice = try runPGTuneQuery(["analyze", "--color", "sometimes", "-"], stdin: sql)
    #expect(badChoice.status == 2)
  }

  @Test func helpDocumentsExitCodes() throws {
    let result = try runPGTuneQuery(["--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("3 database or connection error"))
    #expect(try runPGTuneQuery(["rules"]).stdout.contains("select-star"))
    #expect(try runPGTuneQuery(["rules", "large-offset"]).stdout.contains("Keyset pagination"))
  }
}

/// Inputs that are not SQL, or are SQL at its extremes: a clear one-line error or finding,
/// never a crash or a hang.
@Suite struct BadInputTests {
  private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  private func oneErrorLine(_ result: CommandResult) -> String {
    result.stderr.split(separator: "\n").first.map(String.init) ?? ""
  }

  @Test func missingFile() throws {
    let result = try runPGTuneQuery(["analyze", "/nonexistent/q.sql"])
    #expect(result.status == 2)
    #expect(result.stderr == "pgtune-query: error: /nonexistent/q.sql: no such file\n")
  }

  /// A directory is walked for `.sql` files (DirectoryInputTests); one without any is an error.
  @Test func directory() throws {
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-empty-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: empty) }
    let result = try runPGTuneQuery(["analyze", empty])
    #expect(result.status == 2)
    #expect(oneErrorLine(result).contains("is a directory without .sql files"))
  }

  @Test func binaryFile() throws {
    let path = try temporaryFile("image.sql", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00])
    let result = try runPGTuneQuery(["analyze", path])
    #expect(result.status == 2)
    #expect(oneErrorLine(result).hasSuffix("binary data (NUL byte), not SQL text"))
  }

  @Test func invalidUTF8() throws {
    let path = try temporaryFile("latin1.sql", Array("SELECT 1;\nSELECT 'caf".utf8) + [0xE9] + Array("';".utf8))
    let result = try runPGTuneQuery(["analyze", path])
    #expect(result.status == 2)
    #expect(oneErrorLine(result).hasSuffix("latin1.sql: 2:12: invalid UTF-8 (byte 0xe9); convert the file to UTF-8"))
  }

  @Test func oneBadFileDoesNotStopTheOthers() throws {
    let good = try temporaryFile("good.sql", Array("DELETE FROM t".utf8))
    let result = try runPGTuneQuery(["analyze", "/nonexistent.sql", good])
    #expect(result.status == 2)
    #expect(result.stdout.contains("good.sql:1:1: warning: [delete-without-where]"))
  }

  @Test func emptyFile() throws {
    let path = try temporaryFile("empty.sql", [])
    let result = try runPGTuneQuery(["analyze", "--format", "json", path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("\"summary\":{\"statements\":0,\"errors\":0,\"findings\":0}"))
  }

  @Test func tenMegabyteStatement() throws {
    let values = Array(repeating: "('abcdefghijklmnopqrstuvwxyz0123456789')", count: 250_000).joined(separator: ",")
    let sql = "INSERT INTO t (a) VALUES " + values + ";\nSELECT * FROM t"
    #expect(sql.utf8.count > 10_000_000)
    let path = try temporaryFile("big.sql", Array(sql.utf8))
    let result = try runPGTuneQuery(["analyze", path])
    #expect(result.status == 0)
    // Without a database, SELECT * is a suspicion (info): only a plan shows whether it costs.
    #expect(result.stdout.contains("big.sql:2:8: info: [select-star]"))
    #expect(result.stdout.contains("2 statements analyzed"))
  }

  @Test func tenThousandLevelsOfNesting() throws {
    let sql = "SELECT " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + ";\nSELECT 1 FROM a, b"
    let path = try temporaryFile("deep.sql", Array(sql.utf8))
    let result = try runPGTuneQuery(["analyze", path])
    #expect(result.status == 1)
    #expect(result.stdout.contains("deep.sql:1:"))
    #expect(result.stdout.contains("[syntax-error]"))
    #expect(result.stdout.contains("deep.sql:2:18: warning: [cartesian-join]"))
  }

  @Test func fiveThousandNestedOperatorsParse() throws {
    let sql = "SELECT " + Array(repeating: "x", count: 5_000).joined(separator: " + ") + " FROM t WHERE a = NULL"
    let path = try temporaryFile("wide.sql", Array(sql.utf8))
    let result = try runPGTuneQuery(["analyze", path])
    #expect(result.status == 1)
    #expect(result.stdout.contains("[compare-to-null]"))
  }
}

/// `analyze --plan FILE`: saved EXPLAIN JSON, checked with no database.
@Suite struct PlanFileTests {
  @Test func planFilesAreCheckedOffline() throws {
    let result = try runPGTuneQuery([
      "analyze", "--format", "json", "--plan", Repository.path("Fixtures/plans/06-sort-spill.json"),
      "--plan", Repository.path("Fixtures/plans/13-jit-overhead.json"),
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\"rule\":\"sort-spill\""))
    #expect(result.stdout.contains("\"rule\":\"jit-overhead\""))
    #expect(result.stdout.contains("\"analyzed\":true"))
  }

  @Test func planThresholdFlagsApply() throws {
    let plan = Repository.path("Fixtures/plans/02-seq-scan-large-table.json")
    let result = try runPGTuneQuery(["analyze", "--max-cost", "100", "--plan", plan])
    #expect(result.stdout.contains("[expensive-plan] total cost"))
    #expect(result.stdout.contains("above the limit of 100"))
  }

  @Test func badPlanFileIsAUsageError() throws {
    let result = try runPGTuneQuery(["analyze", "--plan", Repository.path("Fixtures/sql/examples/shop.sql")])
    #expect(result.status == 2)
    #expect(result.stderr.contains("shop.sql: no plan found (expected the output of EXPLAIN (FORMAT JSON))"))
  }
}

/// `analyze DIR`: the `.sql` files below it in sorted order, symlink loops followed once.
@Suite struct DirectoryInputTests {
  @Test func directoriesAreWalkedInAStableOrder() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-dir-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: "\(root)/migrations/2024", withIntermediateDirectories: true)
    try "SELECT * FROM b;".write(toFile: "\(root)/migrations/b.sql", atomically: true, encoding: .utf8)
    try "SELECT * FROM a;".write(toFile: "\(root)/migrations/2024/a.sql", atomically: true, encoding: .utf8)
    try "not sql".write(toFile: "\(root)/migrations/notes.txt", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: "\(root)/migrations/2024/loop", withDestinationPath: "\(root)/migrations")
    let result = try runPGTuneQuery(["analyze", "\(root)/migrations"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").filter { $0.contains("[select-star]") }
    #expect(lines.count == 2, "\(result.stdout)")
    #expect(lines.first?.contains("migrations/2024/a.sql:1:8") == true)
    #expect(lines.last?.contains("migrations/b.sql:1:8") == true)
    try FileManager.default.createDirectory(atPath: "\(root)/empty", withIntermediateDirectories: true)
    let empty = try runPGTuneQuery(["analyze", "\(root)/empty"])
    #expect(empty.status == 2)
    #expect(empty.stderr.contains("is a directory without .sql files"))
    // --exclude: a directory by name, a file by a glob on the path below the argument.
    let excluded = try runPGTuneQuery(["analyze", "--exclude", "2024", "\(root)/migrations"])
    #expect(excluded.stdout.contains("migrations/b.sql:1:8") && !excluded.stdout.contains("a.sql"), "\(excluded.stdout)")
    let globbed = try runPGTuneQuery(["analyze", "--exclude", "2024/*.sql", "--exclude", "b.*", "\(root)/migrations"])
    #expect(globbed.status == 2 && globbed.stderr.contains("is a directory without .sql files"), "\(globbed.stderr)")
    // A file named on the command line is read whatever the globs say.
    let named = try runPGTuneQuery(["analyze", "--exclude", "b.*", "\(root)/migrations/b.sql"])
    #expect(named.stdout.contains("b.sql:1:8"))
  }
}
