import ArgumentParser
import Foundation
import PGTuneQuery
import PGTuneQueryReporters

extension PGTuneQueryCommand {
  /// `pgtune-query cache stats|clear|vacuum`.
  struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "cache",
      abstract: "Inspect, clear or compact the store.",
      subcommands: [Stats.self, Clear.self, Vacuum.self])

    struct Stats: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per tier: entries, bytes, and hits, misses, writes, errors, evictions and mean latency over all runs.")

      @Option(help: FormatChoice<CacheStatsFormats>.help)
      var format = FormatChoice<CacheStatsFormats>.named("text")

      @OptionGroup(title: "Store") var store: StoreOptions

      func run() throws {
        guard let tiers = store.open() else { return }
        let reports = CacheCommand.stats(tiers)
        store.showWarnings(tiers)
        Terminal.write(format.format.render(reports))
      }
    }

    struct Clear: ParsableCommand {
      static let configuration = CommandConfiguration(commandName: "clear", abstract: "Remove stored entries from every tier.")

      @Option(help: ArgumentHelp("Only this namespace: analysis, history or report.", valueName: "namespace"))
      var namespace: StoreNamespace?

      @OptionGroup(title: "Store") var store: StoreOptions

      func run() throws {
        guard let tiers = store.open() else { return }
        let cleared = CacheCommand.clear(tiers, namespace: namespace)
        store.showWarnings(tiers)
        Terminal.show([cleared])
      }
    }

    struct Vacuum: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Drop expired entries and give the local file's free space back.")

      @OptionGroup(title: "Store") var store: StoreOptions

      func run() throws {
        guard let tiers = store.open() else { return }
        let dropped = CacheCommand.vacuum(tiers)
        store.showWarnings(tiers)
        for (tier, count) in dropped {
          Terminal.write("\(tier.kind) \(tier.location): \(count.map { "\($0) expired entries dropped" } ?? "unavailable")\n")
        }
      }
    }
  }
}

