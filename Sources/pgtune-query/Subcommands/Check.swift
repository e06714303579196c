import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

/// `--format` for check.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, junit, sarif, github, markdown
}

extension PGTuneQueryCommand {
  /// `pgtune-query check`: the CI step that fails on slow-plan regressions.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare plans with a committed baseline and fail on slow-plan regressions.",
      discussion: """
        Each statement's plan is compared with its baseline entry, keyed by the statement's \
        fingerprint or by a `-- name: <name>` comment before it (so a reworded query keeps its \
        entry). Regressions (errors unless configured): cost-regression, index-scan-to-seq-scan, \
        index-only-to-index-scan, join-type-changed, sort-added, new-seq-scan-on-large-table, \
        statement-broken; index-changed is a warning, cost-improved an info, new-statement a \
        warning (--fail-on-new: error). The static and plan rules run as well. Exit status: 0 \
        pass; 1 a regression or finding at or above --fail-on; 2 usage error or unusable \
        baseline; 3 database error.
        """)

    @Argument(help: ArgumentHelp("SQL files whose statements are checked.", valueName: "file"))
    var files: [String] = []

    @Option(help: ArgumentHelp("The baseline file (default: pgtune-baseline.json).", valueName: "path"))
    var baseline = "pgtune-baseline.json"

    @Flag(help: "Write the current plans as the new baseline instead of comparing.")
    var updateBaseline = false

    @Option(help: ArgumentHelp("Saved EXPLAIN JSON files, one per statement named <key>.json, compared offline.", valueName: "directory"))
    var plans: String?

    @Option(help: ArgumentHelp("Cost growth tolerated before cost-regression, in percent (default 20).", valueName: "percent"))
    var maxCostIncrease: Double = 20

    @Flag(help: "Statements without a baseline entry are errors.")
    var failOnNew = false

    @Flag(help: "Compare with a baseline from another PostgreSQL major version (a warning instead of an error).")
    var allowServerChange = false

    @Option(help: ArgumentHelp("Output format (default: github when GITHUB_ACTIONS=true, else text).", valueName: "format"))
    var format: CheckFormat?

    @Option(help: ArgumentHelp("Write the report to this file; the text report still goes to the terminal.", valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("Database connections (default 1).", valueName: "n"))
    var jobs: Int?

    @OptionGroup var rules: RuleOptions

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @OptionGroup(title: "Store") var store: StoreOptions

    func validate() throws {
      if plans == nil && files.isEmpty { throw ValidationError("give the SQL files to check, or --plans DIRECTORY") }
      if plans == nil && database.resolvedDSN == nil {
        throw ValidationError("check needs a database (--dsn or PGTUNE_QUERY_DSN), or saved plans (--plans DIRECTORY)")
      }
      if maxCostIncrease < 0 { throw ValidationError("--max-cost-increase must not be negative") }
      if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
      let configuration = try RuleOptions.configuration(rules, database)
      var expected: Baseline?
      if !updateBaseline || FileManager.default.fileExists(atPath: baseline) {
        do {
          expected = try Baseline.load(path: baseline)
        } catch {
          if !updateBaseline {
            Terminal.error(error.message)
            throw ExitStatus.usage.exitCode
          }
        }
      }
      let (analyses, live) = try gather(configuration: configuration)
      if let catalog = live?.catalog, let expected, expected.serverVersion / 10_000 != catalog.serverVersion / 10_000,
        !updateBaseline
      {
        let message = "\(baseline): the baseline comes from PostgreSQL \(expected.serverVersion / 10_000), the database is \(catalog.serverVersion / 10_000): plans are not comparable"
        if allowServerChange {
          Terminal.warning(message)
        } else {
          Terminal.error(message + " (run --update-baseline, or pass --allow-server-change)")
          throw ExitStatus.usage.exitCode
        }
      }
      if updateBaseline {
        try writeBaseline(analyses, serverVersion: live?.catalog?.serverVersion ?? expected?.serverVersion ?? 0)
        return
      }
      var checked = analyses
      var options = CheckOptions()
      options.maxCostIncrease = maxCostIncrease / 100
      options.failOnNew = failOnNew
      options.largeTableRows = Double(database.largeTableRows ?? 10_000)
      let summary = PlanComparison.compare(
        &checked, baseline: expected ?? Baseline(serverVersion: 0, entries: [:]), catalog: live?.catalog,
        options: options, configuration: configuration)
      report(checked, summary: summary, live: live, failOn: configuration.failOn ?? .error)
      if let lost = live?.lostConnection {
        Terminal.error("the database connection was lost during the run: \(lost.message); results above are partial")
        throw ExitStatus.database.exitCode
      }
      if let worst = AnalysisSummary(checked).worstSeverity, worst >= configuration.failOn ?? .error {
        throw ExitStatus.findings.exitCode
      }
    }

    /// The statements with their plans: live from the database, or from saved plan files.
    private func gather(configuration: Configuration) throws -> ([FileAnalysis], LiveSummary?) {
      if let plans {
        return (try loadPlans(directory: plans, configuration: configuration), nil)
      }
      let (sources, _, unreadable) = SourceLoader.load(files, stdinName: "<stdin>")
      for problem in unreadable { Terminal.error(problem.localizedDescription) }
      if !unreadable.isEmpty { throw ExitStatus.usage.exitCode }
      var options = database.liveOptions(conninfo: database.resolvedDSN ?? "", jobs: jobs ?? 1)
      options.advisor = nil
      options.rewriting = nil
      let tiers = store.open()
      defer { store.finish(tiers) }
      store.apply(to: &options, store: tiers)
      // The database round trips of the set-up overlap with parsing.
      let preparation = LivePreparation.start(options)
      let analyses = Analyzer(configuration: configuration, planningExplain: true, rewriting: nil).analyze(
        sources.map { SourceFile(name: relativePath($0.name), bytes: $0.bytes) })
      do {
        let (files, summary) = try LiveAnalyzer.run(
          analyses, prepared: preparation, options: options, configuration: configuration)
        for warning in summary.warnings { Terminal.warning(warning) }
        if let tiers { MetricsHistory.record(files, source: "check", store: tiers) }
        return (files, summary)
      } catch {
        Terminal.error(error.message)
        throw ExitStatus.database.exitCode
      }
    }

    private func loadPlans(directory: String, configuration: Configuration) throws -> [FileAnalysis] {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
        Terminal.error("\(directory): cannot read the plans directory")
        throw ExitStatus.usage.exitCode
      }
      var result: [FileAnalysis] = []
      for name in names.filter({ $0.hasSuffix(".json") }).sorted() {
        let path = (directory as NSString).appendingPathComponent(name)
        do {
          let source = try SourceFile.read(path: path, displayName: relativePath(path))
          result.append(try PlanFileAnalyzer.analyze(source, configuration: configuration, key: String(name.dropLast(5))))
        } catch {
          Terminal.error(error.localizedDescription)
          throw ExitStatus.usage.exitCode
        }
      }
      return result
    }

    private func writeBaseline(_ analyses: [FileAnalysis], serverVersion: Int) throws {
      var entries: [String: Baseline.Entry] = [:]
      for file in analyses {
        for statement in file.statements {
          guard let plan = statement.plan, let key = PlanComparison.key(of: statement) else { continue }
          entries[key] = Baseline.Entry(plan: plan, name: statement.name, file: file.source.name, fingerprint: statement.fingerprint)
        }
      }
      let written = Baseline(serverVersion: serverVersion, entries: entries)
      do {
        try written.encoded().write(to: URL(fileURLWithPath: baseline), options: .atomic)
      } catch {
        Terminal.error("\(baseline): cannot write the baseline (\(error.localizedDescription))")
        throw ExitStatus.usage.exitCode
      }
      Terminal.writeError("pgtune-query: wrote \(entries.count) baseline entr\(entries.count == 1 ? "y" : "ies") to \(baseline)")
    }

    private func report(_ files: [FileAnalysis], summary: CheckSummary, live: LiveSummary?, failOn: Severity) {
      let chosen = format ?? (ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" ? .github : .text)
      let rendered: String
      switch chosen {
      case .text: rendered = textReport(files, summary: summary)
      case .json: rendered = JSONReporter.render(files, pool: live?.pool, check: summary, cache: live?.cache)
      case .junit: rendered = JUnitReporter.render(files, failOn: failOn)
      case .sarif: rendered = SARIFReporter.render(files)
      case .github: rendered = GitHubReporter.render(files)
      case .markdown: rendered = MarkdownReporter.render(files, title: "pgtune-query check", gone: summary.gone)
      }
      if let output {
        do {
          try Data(rendered.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
          Terminal.error("\(output): cannot write the report (\(error.localizedDescription))")
        }
        Terminal.write(textReport(files, summary: summary))
      } else {
        Terminal.write(rendered)
      }
    }

    private func textReport(_ files: [FileAnalysis], summary: CheckSummary) -> String {
      let style = TextReporter.Style(color: Terminal.useColor, showSource: Terminal.stdoutIsTTY)
      var text = TextReporter.render(files, style: style)
      for entry in summary.gone {
        text += "\(entry.file): note: baseline entry \(entry.name ?? entry.fingerprint ?? "?") has no statement any more (removed or renamed)\n"
      }
      text += "check: \(summary.checked) plans compared, \(summary.regressions) regressions, \(summary.improvements) improvements, \(summary.new) new, \(summary.gone.count) gone\n"
      return text
    }

    private func relativePath(_ path: String) -> String {
      let directory = FileManager.default.currentDirectoryPath + "/"
      return path.hasPrefix(directory) ? String(path.dropFirst(directory.count)) : path
    }
  }
}
