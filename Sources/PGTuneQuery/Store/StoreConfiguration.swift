import Foundation

/// Which tiers a run uses: always an in-process L1, the SQLite file unless turned off, and the
/// shared tiers named by `--store` URLs, in that order.
public struct StoreConfiguration: Sendable {
  public var path: String
  public var sharedURLs: [String]
  public var memoryPolicy: EvictionPolicy = .lru
  public var memoryEntries = 10_000
  public var memoryBytes = 64 << 20
  /// Seconds a cached analysis stays valid even if nothing it depends on changes.
  public var analysisTTL = 7 * 24 * 3600
  public var timeoutMilliseconds = 2_000
  /// How the shared tiers prefix keys (`--store-namespace`).
  public var keyspace = SharedKeyspace()

  public init(path: String = SQLiteTier.defaultPath(), sharedURLs: [String] = []) {
    self.path = path
    self.sharedURLs = sharedURLs
  }

  /// A shared-tier URL this tool can use; nil when it is fine, otherwise what is wrong.
  public static func problem(with url: String) -> String? {
    if url.hasPrefix("redis://") {
      return StoreEndpoint(url: url, scheme: "redis", defaultPort: 6379) == nil
        ? "not a valid redis://[user:password@]host:port/db URL: \(StoreEndpoint.redacted(url))" : nil
    }
    if url.hasPrefix("memcached://") {
      return StoreEndpoint(url: url, scheme: "memcached", defaultPort: 11211) == nil
        ? "not a valid memcached://host:port URL: \(url)" : nil
    }
    return "unknown store \(StoreEndpoint.redacted(url)) (expected redis://… or memcached://…)"
  }

  /// Opens every tier it can. A tier that cannot be opened is a warning, not a failure: the run
  /// goes on with the others (at worst with the memory tier alone).
  public func open(warnings: WarningSink = WarningSink()) -> TieredStore {
    var tiers: [any StoreTier] = [MemoryTier(policy: memoryPolicy, maxEntries: memoryEntries, maxBytes: memoryBytes)]
    do {
      tiers.append(try SQLiteTier(path: path, warnings: warnings))
    } catch {
      warnings.add("store file not used: \(error.localizedDescription)")
    }
    for url in sharedURLs {
      do {
        if url.hasPrefix("redis://") {
          tiers.append(try RedisTier(url: url, keyspace: keyspace, timeoutMilliseconds: timeoutMilliseconds))
        } else if url.hasPrefix("memcached://") {
          tiers.append(try MemcachedTier(url: url, keyspace: keyspace, timeoutMilliseconds: timeoutMilliseconds))
        } else {
          warnings.add(Self.problem(with: url) ?? "unknown store \(url)")
        }
      } catch {
        warnings.add("store tier not used: \(error.localizedDescription); continuing without it")
      }
    }
    return TieredStore(tiers: tiers, warnings: warnings)
  }
}
