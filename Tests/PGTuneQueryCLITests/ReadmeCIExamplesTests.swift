import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The README's GitHub Actions and GitLab CI examples, their shell steps run against the test
/// PostgreSQL in a copy of `Fixtures/ci-example/` with the built binary on PATH. The package
/// steps (apt-get, the .deb download) are not run here — `make deb-test` installs the package
/// into a fresh Debian 12 root — but each example must have them.
@Suite(.serialized, .enabled(if: TestServices.postgresEnabled, "PostgreSQL test server not running (make test starts it)"))
struct ReadmeCIExamplesTests {
  /// The shell lines of the YAML block that follows `heading` in the README.
  static func steps(after heading: String) throws -> [String] {
    let readme = try String(contentsOfFile: Repository.path("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: heading))
    let block = try #require(readme[start.upperBound...].range(of: "```yaml\n"))
    let end = try #require(readme[block.upperBound...].range(of: "```"))
    var steps: [String] = []
    var inScript = false
    for line in readme[block.upperBound..<end.lowerBound].split(separator: "\n") {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("- run: ") {
        steps.append(String(trimmed.dropFirst("- run: ".count)))
      } else if trimmed == "script:" {
        inScript = true
      } else if inScript, trimmed.hasPrefix("- ") {
        steps.append(String(trimmed.dropFirst(2)))
      } else if inScript, !trimmed.hasPrefix("- ") {
        inScript = false
      }
    }
    return steps
  }

  static func isPackageStep(_ step: String) -> Bool { step.contains("apt-get") || step.contains("curl ") }

  private func run(_ heading: String, database: String) throws -> (directory: String, summary: String) {
    let steps = try Self.steps(after: heading)
    #expect(steps.contains { $0.contains("apt-get install -y /tmp/pgtune-query.deb") }, "\(heading) installs no package")
    #expect(steps.contains { $0.hasPrefix("pgtune-query ") })
    let project = NSTemporaryDirectory() + "pgtq-ci-example-\(UUID().uuidString)"
    try FileManager.default.copyItem(atPath: Repository.path("Fixtures/ci-example"), toPath: project)
    let summary = project + "/step-summary.md"
    let dsn = try TestDatabase(name: database, schema: nil).dsn
    let binaryDirectory = pgtuneQueryBinary.deletingLastPathComponent().path
    var baselineMade = false
    for step in steps where !Self.isPackageStep(step) {
      let prefix = "cd '\(project)' && export PATH='\(binaryDirectory)':\"$PATH\" PGTUNE_QUERY_DSN='\(dsn)' "
        + "GITHUB_STEP_SUMMARY='\(summary)' && "
      if step.hasPrefix("pgtune-query check"), !baselineMade {
        // The project has committed its baseline, made once with --update-baseline.
        let baseline = try runShell(prefix + "pgtune-query check --update-baseline queries/*.sql")
        #expect(baseline.status == 0, "\(baseline.stderr)")
        baselineMade = true
      }
      let result = try runShell(prefix + step)
      #expect(result.status == 0, "\(step): \(result.stdout)\(result.stderr)")
    }
    return (project, (try? String(contentsOfFile: summary, encoding: .utf8)) ?? "")
  }

  @Test func gitHubActionsExampleRuns() throws {
    let (project, summary) = try run("GitHub Actions, with", database: "pgtq_readme_github")
    defer { try? FileManager.default.removeItem(atPath: project) }
    let sarif = try JSONValue.parse(String(contentsOfFile: project + "/pgtune.sarif", encoding: .utf8))
    #expect(sarif["version"]?.string == "2.1.0")
    #expect(sarif["runs"]?.array?.first?["results"]?.array?.isEmpty == false)
    #expect(summary.contains("pgtune-query check"), "\(summary)")
  }

  @Test func gitLabExampleRuns() throws {
    let (project, _) = try run("GitLab CI:", database: "pgtq_readme_gitlab")
    defer { try? FileManager.default.removeItem(atPath: project) }
    let junit = try String(contentsOfFile: project + "/pgtune-junit.xml", encoding: .utf8)
    #expect(junit.contains("<testsuites") && junit.contains("open_invoices_of_account"), "\(junit.prefix(400))")
  }
}
