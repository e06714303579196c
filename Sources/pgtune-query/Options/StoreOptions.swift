import ArgumentParser
import Foundation
import PGTuneQuery

extension EvictionPolicy: ExpressibleByArgument {}

/// Where results are cached and history is kept: the in-process tier, the local SQLite file,
/// and any shared tiers given with --store.
struct StoreOptions: ParsableArguments {
  @Option(
    name: .customLong("store"),
    help: ArgumentHelp(
      "A shared store tier below the local file: redis://[user:password@]host:port/db or memcached://host:port (repeatable; read in the order given). Default: $PGTUNE_QUERY_STORE_URL (comma-separated).",
      valueName: "url"))
  var sharedURLs: [String] = []

  @Option(
    name: .customLong("store-namespace"),
    help: ArgumentHelp(
      "Keep this project's entries apart on the shared tiers: keys become pgtq@NAME:… instead of pgtq:… (letters, digits, '.', '_', '-'). Default: $PGTUNE_QUERY_STORE_NAMESPACE.",
      valueName: "name"))
  var namespace: String?

  @Option(
    name: .customLong("store-path"),
    help: ArgumentHelp(
      "The local store file. Default: $PGTUNE_QUERY_STORE, else $XDG_CACHE_HOME/pgtune-query/store.sqlite (~/.cache/… without XDG_CACHE_HOME).",
      valueName: "path"),
    completion: .file(extensions: ["sqlite"]))
  var path: String?

  @Flag(name: .customLong("no-store"), help: "Use no store at all: nothing is cached, nothing is recorded.")
  var disabled = false

  func validate() throws {
    for url in resolvedURLs {
      if let problem = StoreConfiguration.problem(with: url) { throw ValidationError(problem) }
    }
    if let project = resolvedNamespace, let problem = SharedKeyspace.problem(with: project) {
      throw ValidationError(problem)
    }
  }

  var resolvedURLs: [String] {
    if !sharedURLs.isEmpty { return sharedURLs }
    let fromEnvironment = ProcessInfo.processInfo.environment["PGTUNE_QUERY_STORE_URL"] ?? ""
    return fromEnvironment.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  var resolvedNamespace: String? {
    namespace ?? ProcessInfo.processInfo.environment["PGTUNE_QUERY_STORE_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 }
  }

  func configuration(cache: CacheOptions?) -> StoreConfiguration {
    var configuration = StoreConfiguration(path: path ?? SQLiteTier.defaultPath(), sharedURLs: resolvedURLs)
    if let cache {
      configuration.memoryPolicy = cache.cachePolicy
      configuration.analysisTTL = cache.cacheTTLDays * 24 * 3600
    }
    configuration.keyspace = SharedKeyspace(project: resolvedNamespace)
    return configuration
  }

  /// The store for this run, or nil with --no-store. Problems opening tiers are warnings.
  /// `cache`: the analysis-cache settings of the commands that analyze.
  func open(cache: CacheOptions? = nil) -> TieredStore? {
    guard !disabled else { return nil }
    let store = configuration(cache: cache).open()
    showWarnings(store)
    return store
  }

  /// Saves the run's tier counters and shows warnings raised during the run.
  func finish(_ store: TieredStore?) {
    guard let store else { return }
    store.recordCounters()
    showWarnings(store)
  }

  func showWarnings(_ store: TieredStore) {
    for warning in store.warnings.drain() { Terminal.warning(warning) }
  }
}

/// The analysis cache, for the commands that analyze (analyze, check, warm); `cache`, `history`
/// and `report` have no analyses to reuse, so they do not show these options.
struct CacheOptions: ParsableArguments {
  @Flag(name: .customLong("no-cache"), help: "Analyze afresh instead of reusing cached analyses (results are still stored).")
  var noCache = false

  @Option(help: ArgumentHelp("Eviction policy of the in-process tier.", valueName: "policy"))
  var cachePolicy: EvictionPolicy = .lru

  @Option(help: ArgumentHelp("Days a cached analysis stays valid when nothing it depends on changes.", valueName: "days"))
  var cacheTTLDays = 7

  func validate() throws {
    if cacheTTLDays < 1 { throw ValidationError("--cache-ttl-days must be at least 1") }
  }

  /// Applies the cache settings to a live run.
  func apply(to options: inout LiveOptions, store: TieredStore?) {
    options.store = store
    options.readCache = !noCache
    options.cacheTTL = cacheTTLDays * 24 * 3600
  }
}
