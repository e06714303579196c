import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The generated bash completion, exercised the way bash calls it: COMP_WORDS, COMP_CWORD,
/// COMP_LINE and COMP_POINT set, the completion function run, COMPREPLY read back.
@Suite struct CompletionTests {
  static let script: String? = {
    guard let result = try? runPGTuneQuery(["--generate-completion-script", "bash"]), result.status == 0 else { return nil }
    let path = NSTemporaryDirectory() + "pgtq-completion-\(getpid()).bash"
    try? Data(result.stdout.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }()

  /// The words bash would offer for `line` (ending where the cursor is), run in `directory`.
  private func complete(_ line: String, in directory: String = NSTemporaryDirectory(), store: String? = nil) throws -> [String] {
    let script = try #require(Self.script)
    var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    if line.hasSuffix(" ") { words.append("") }
    words[0] = pgtuneQueryBinary.path
    let quoted = words.map { "'\($0)'" }.joined(separator: " ")
    let shownLine = words.joined(separator: " ")
    let previous = words.count >= 2 ? words[words.count - 2] : ""
    let command = """
      cd '\(directory)' && source '\(script)' && COMP_WORDS=(\(quoted)) && COMP_CWORD=\(words.count - 1) \
      && COMP_LINE='\(shownLine)' && COMP_POINT=${#COMP_LINE} && _pgtune-query '\(words[0])' '\(words.last ?? "")' '\(previous)' \
      && printf '%s\\n' "${COMPREPLY[@]}"
      """
    let environment = store.map { "PGTUNE_QUERY_STORE='\($0)' " } ?? ""
    let result = try runShell("\(environment)bash -c \(shellQuoted(command))")
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout.split(separator: "\n").map(String.init).sorted()
  }

  private func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "bash is not installed"))
  func filesFormatsAndRuleIds() throws {
    let directory = NSTemporaryDirectory() + "pgtq-complete-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory + "/create_dir", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for file in ["create_tables.sql", "create_notes.txt", "report.log"] {
      #expect(FileManager.default.createFile(atPath: "\(directory)/\(file)", contents: Data()))
    }
    // SQL arguments: .sql files and directories, not other files.
    #expect(try complete("pgtune-query analyze cr", in: directory) == ["create_dir", "create_tables.sql"])
    #expect(try complete("pgtune-query check --baseline x.json cr", in: directory) == ["create_dir", "create_tables.sql"])
    // Log files: any file.
    #expect(try complete("pgtune-query report re", in: directory) == ["report.log"])
    #expect(try complete("pgtune-query analyze --format j") == ["json", "junit"])
    #expect(try complete("pgtune-query report --format h") == ["html"])
    #expect(try complete("pgtune-query analyze --disable select") == ["select-star"])
    #expect(try complete("pgtune-query rules compare") == ["compare-to-null"])
    #expect(try complete("pgtune-query analyze --col") == ["--color"])
    #expect(try complete("pgtune-query analyze --color ") == ["always", "auto", "never"])
    #expect(try complete("pgtune-query an") == ["analyze"])
  }

  /// `history <Tab>` offers the fingerprints the local store has history for.
  @Test(.enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
  func historyCompletesRecordedFingerprints() throws {
    let store = "/tmp/pgtune-query-test/stores/completion-\(UUID().uuidString).sqlite"
    let run = try runPGTuneQuery(
      ["analyze", "--dsn", TestServices.postgresDSN, "--no-index-advice", "--format", "json", "-"],
      stdin: Data("SELECT relname FROM pg_class WHERE relpages > 1000;".utf8), environment: ["PGTUNE_QUERY_STORE": store])
    #expect(run.status == 0, "\(run.stderr)")
    let json = try JSONValue.parse(run.stdout)
    let fingerprint = try #require(json["statements"]?.array?.first?["fingerprint"]?.string)
    #expect(try complete("pgtune-query history ", store: store) == [fingerprint])
    #expect(try complete("pgtune-query history zz", store: store) == [])
  }
}
