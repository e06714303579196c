import Foundation

/// Where a stored value lives: a namespace (`analysis`, `history`, `report`) and a key inside it.
/// Keys are ASCII without spaces (fingerprints, hashes, timestamps) so that every tier, memcached
/// included, can hold them as they are.
public struct StoreKey: Sendable, Hashable, CustomStringConvertible {
  public let namespace: String
  public let key: String

  public init(_ namespace: String, _ key: String) {
    self.namespace = namespace
    self.key = key
  }

  public var description: String { "\(namespace):\(key)" }
}

/// How shared tiers (Redis, Memcached) name our keys: `pgtq:analysis:<key>` by default, or
/// `pgtq@<project>:analysis:<key>` with `--store-namespace project`. The prefix keeps our keys
/// apart from an application's on the same server, and one project's apart from another's;
/// the two forms cannot overlap (`:` vs `@`, and a project name has no `:`), so clearing the
/// default keyspace never touches a project's. A Redis ACL on the prefix (`~pgtq@project:*`)
/// turns the separation into access control (SECURITY.md).
public struct SharedKeyspace: Sendable, Equatable {
  public let project: String?
  /// Every key of this keyspace starts with it.
  public let prefix: String

  public init(project: String? = nil) {
    self.project = project
    prefix = project.map { "pgtq@\($0):" } ?? "pgtq:"
  }

  /// Letters, digits, `.`, `_`, `-`; 1 to 64 of them. Nil when fine, else what is wrong.
  public static func problem(with project: String) -> String? {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    guard !project.isEmpty, project.count <= 64, project.allSatisfy(allowed.contains) else {
      return "store namespace '\(project)' must be 1 to 64 letters, digits, '.', '_' or '-'"
    }
    return nil
  }

  public func qualified(_ key: StoreKey) -> String { "\(prefix)\(key.namespace):\(key.key)" }
  public func namespacePrefix(_ namespace: String) -> String { "\(prefix)\(namespace):" }
}

/// A store tier could not do what was asked: the server is down, the file is unusable…
public struct StoreError: Error, LocalizedError, Sendable, Equatable {
  public let tier: String
  public let message: String

  public init(tier: String, _ message: String) {
    self.tier = tier
    self.message = message
  }

  public var errorDescription: String? { "\(tier): \(message)" }
}

/// Entries and bytes a tier holds now (for `cache stats`); nil where the tier cannot tell.
public struct TierUsage: Sendable, Equatable {
  public var entries: Int?
  public var bytes: Int?

  public init(entries: Int?, bytes: Int?) {
    self.entries = entries
    self.bytes = bytes
  }
}

/// One level of the store. Tiers hold opaque bytes (the `TieredStore` wraps values in a
/// `ValueEnvelope`) and are safe to call from several threads.
public protocol StoreTier: AnyObject, Sendable {
  /// `memory`, `sqlite`, `redis`, `memcached`.
  var kind: String { get }
  /// Where it is, without secrets: a path or `redis://host:port/db`.
  var location: String { get }
  func get(_ key: StoreKey) throws(StoreError) -> [UInt8]?
  /// `ttl` in seconds; nil keeps the entry until it is evicted or cleared.
  func set(_ key: StoreKey, _ value: [UInt8], ttl: Int?) throws(StoreError)
  func delete(_ key: StoreKey) throws(StoreError)
  /// The values of several keys at once (one round trip where the tier can); absent keys are
  /// left out.
  func getMany(_ keys: [StoreKey]) throws(StoreError) -> [StoreKey: [UInt8]]
  /// Several entries at once, each with its TTL (one transaction where the tier has them).
  func setMany(_ entries: [(key: StoreKey, value: [UInt8], ttl: Int?)]) throws(StoreError)
  /// Every live entry of `namespace` whose key starts with `prefix`, in key order.
  func scan(namespace: String, prefix: String) throws(StoreError) -> [(key: String, value: [UInt8])]
  /// Removes every entry of a namespace, or of all of ours when nil.
  func clear(namespace: String?) throws(StoreError)
  /// Drops expired entries and gives space back; returns how many entries were dropped.
  func vacuum() throws(StoreError) -> Int
  func usage() throws(StoreError) -> TierUsage
  /// Entries pushed out to respect the tier's bounds (only the memory tier evicts on its own).
  var evictions: Int { get }
}

extension StoreTier {
  public var evictions: Int { 0 }

  public func setMany(_ entries: [(key: StoreKey, value: [UInt8], ttl: Int?)]) throws(StoreError) {
    for entry in entries { try set(entry.key, entry.value, ttl: entry.ttl) }
  }

  public func getMany(_ keys: [StoreKey]) throws(StoreError) -> [StoreKey: [UInt8]] {
    var found: [StoreKey: [UInt8]] = [:]
    for key in keys { if let value = try get(key) { found[key] = value } }
    return found
  }
}

/// Milliseconds since the epoch, the unit of every expiry in the store (TTLs are given in
/// seconds; a second-granular clock would make a 1-second TTL last anywhere from 0 to 1 s).
/// Each tier takes one, so tests move time forward instead of sleeping.
public struct StoreClock: Sendable {
  private let source: @Sendable () -> Int64

  public init(_ source: @escaping @Sendable () -> Int64) { self.source = source }

  public func now() -> Int64 { source() }

  /// The wall clock.
  public static let system = StoreClock { Int64(Date().timeIntervalSince1970 * 1_000) }

  /// The wall clock, for code that has no tier at hand.
  public static func now() -> Int64 { system.now() }
}
