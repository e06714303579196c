import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension PGTuneQueryCommand {
  /// `pgtune-query analyze FILE…`: static analysis of SQL files.
  struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Analyze SQL files and report slow or wrong statements.",
      discussion: """
        Every statement is parsed with PostgreSQL's parser and checked by the static rules. \
        A statement that does not parse is reported at file:line:col (rule syntax-error) and \
        the other statements are still analyzed. Silence a rule for the next statement with \
        `-- pgtune-query: ignore <rule-id>[, <rule-id>]`, or for the whole file with \
        `-- pgtune-query: ignore-file <rule-id>`.

        With --dsn, every SELECT/INSERT/UPDATE/DELETE/MERGE is EXPLAINed (FORMAT JSON) inside \
        a read-only transaction that is rolled back, and the plan rules run on the plans. Other \
        statements are never sent. With --plan, saved EXPLAIN JSON files are checked offline.
        """)

    @Argument(help: ArgumentHelp("SQL files to analyze; - reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(
      name: .customLong("plan"),
      help: ArgumentHelp("EXPLAIN (FORMAT JSON) output to check offline (repeatable).", valueName: "file"))
    var planFiles: [String] = []

    @Option(help: "Output format.")
    var format: AnalyzeFormat = .text

    @Option(
      help: ArgumentHelp(
        "Parallel jobs: database connections with --dsn (default 1), parser threads otherwise (default: the number of cores).",
        valueName: "n"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Name shown for standard input.", valueName: "name"))
    var stdinName = "<stdin>"

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Also suggest adding LIMIT n to SELECTs without one.", valueName: "n"))
    var suggestLimit: Int?

    @Flag(help: "Do not suggest rewritten SQL.")
    var noRewrites = false

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @OptionGroup(title: "Store") var store: StoreOptions

    func validate() throws {
      guard !files.isEmpty || !planFiles.isEmpty else {
        throw ValidationError("give at least one SQL file, - for standard input, or --plan FILE")
      }
      if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
      if let suggestLimit, suggestLimit < 1 { throw ValidationError("--suggest-limit must be at least 1") }
      if format == .sql && database.resolvedDSN == nil {
        throw ValidationError("--format sql prints index suggestions, which need a database (--dsn)")
      }
    }

    func run() throws {
      let configuration = try RuleOptions.configuration(rules, database)
      let (sources, plans, unreadable) = SourceLoader.load(files, plans: planFiles, stdinName: stdinName)
      for problem in unreadable { Terminal.error(problem.localizedDescription) }
      let dsn = database.resolvedDSN
      let rewriting = noRewrites ? nil : Rewriter.Options(suggestLimit: suggestLimit)
      let tiers = dsn == nil ? nil : store.open()
      defer { store.finish(tiers) }
      var options = database.liveOptions(conninfo: dsn ?? "", jobs: jobs ?? 1)
      options.rewriting = rewriting
      store.apply(to: &options, store: tiers)
      // The database round trips of the set-up overlap with parsing.
      let preparation = dsn == nil ? nil : LivePreparation.start(options)
      var analyses = Analyzer(
        configuration: configuration, jobs: dsn == nil ? jobs ?? ProcessInfoCores.count : ProcessInfoCores.count,
        planningExplain: dsn != nil, rewriting: rewriting
      ).analyze(sources)
      var live: LiveSummary?
      if let preparation {
        do {
          (analyses, live) = try LiveAnalyzer.run(
            analyses, prepared: preparation, options: options, configuration: configuration)
          for warning in live?.warnings ?? [] { Terminal.warning(warning) }
          if let tiers { MetricsHistory.record(analyses, source: "analyze", store: tiers) }
        } catch {
          Terminal.error(error.message)
          throw ExitStatus.database.exitCode
        }
      }
      for plan in plans {
        do {
          analyses.append(try PlanFileAnalyzer.analyze(plan, configuration: configuration))
        } catch {
          Terminal.error(error.localizedDescription)
          throw ExitStatus.usage.exitCode
        }
      }
      report(analyses, live: live)
      if let lost = live?.lostConnection {
        Terminal.error("the database connection was lost during the run: \(lost.message); results above are partial")
        throw ExitStatus.database.exitCode
      }
      if !unreadable.isEmpty { throw ExitStatus.usage.exitCode }
      let threshold = configuration.failOn ?? .error
      if let worst = AnalysisSummary(analyses).worstSeverity, worst >= threshold {
        throw ExitStatus.findings.exitCode
      }
    }

    private func report(_ analyses: [FileAnalysis], live: LiveSummary?) {
      switch format {
      case .text:
        let style = TextReporter.Style(color: Terminal.useColor, showSource: Terminal.stdoutIsTTY)
        Terminal.write(TextReporter.render(analyses, style: style))
      case .json:
        Terminal.write(JSONReporter.render(analyses, pool: live?.pool, cache: live?.cache))
      case .sql:
        Terminal.write(IndexMigrationReporter.render(analyses))
      }
      if database.verbose, let pool = live?.pool {
        Terminal.writeError(
          String(
            format: "pgtune-query: pool: %d connections opened, %d queries, %d errors, %d reconnects, latency mean %.1f ms, max %.1f ms",
            pool.connectionsOpened, pool.queries, pool.errors, pool.reconnects, pool.meanLatency, pool.maxLatency))
      }
      if database.verbose, let cache = live?.cache {
        Terminal.writeError("pgtune-query: cache: \(cache.hits) hits, \(cache.misses) misses")
      }
    }
  }
}

/// Reads the inputs named on the command line, collecting the ones that cannot be read.
enum SourceLoader {
  static func load(_ paths: [String], plans planPaths: [String] = [], stdinName: String)
    -> (sources: [SourceFile], plans: [SourceFile], problems: [SourceError])
  {
    var sources: [SourceFile] = []
    var plans: [SourceFile] = []
    var problems: [SourceError] = []
    for path in planPaths {
      do {
        plans.append(try SourceFile.read(path: path))
      } catch {
        problems.append(error)
      }
    }
    for path in paths {
      do {
        if path == "-" {
          let source = SourceFile(name: stdinName, bytes: [UInt8](FileHandle.standardInput.readDataToEndOfFile()))
          try source.validate()
          sources.append(source)
        } else {
          sources.append(try SourceFile.read(path: path))
        }
      } catch {
        problems.append(error)
      }
    }
    return (sources, plans, problems)
  }
}
