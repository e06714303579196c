internal import CLibMemcached
import Foundation

/// A shared tier on Memcached (`memcached://host:port`), through libmemcached. Memcached cannot
/// list keys, so each namespace keeps an index entry its keys are appended to (an atomic APPEND
/// on the server); `scan` and `clear` read it. Memcached may evict an entry at any time: this
/// tier is a cache, never the only copy of history.
public final class MemcachedTier: StoreTier, @unchecked Sendable {
  public let kind = "memcached"
  public let location: String
  /// A memcached_st is not thread-safe: every call holds the lock.
  private let lock = NSLock()
  private let client: MemcachedClient
  static let namespaces = StoreNamespace.allCases.map(\.rawValue)
  public let keyspace: SharedKeyspace

  public init(url: String, keyspace: SharedKeyspace = SharedKeyspace(), timeoutMilliseconds: Int = 2_000) throws(StoreError) {
    self.keyspace = keyspace
    guard let endpoint = StoreEndpoint(url: url, scheme: "memcached", defaultPort: 11211) else {
      throw StoreError(tier: "memcached", "not a memcached:// URL: \(StoreEndpoint.redacted(url))")
    }
    location = endpoint.description
    let client = try MemcachedClient(endpoint: endpoint, timeoutMilliseconds: timeoutMilliseconds)
    // libmemcached connects lazily; ask once so a server that is down is found now.
    _ = try client.get(keyspace.indexKey(StoreNamespace.analysis.rawValue))
    self.client = client
  }

  public func get(_ key: StoreKey) throws(StoreError) -> [UInt8]? {
    try locked { client throws(StoreError) in try client.get(keyspace.qualified(key)) }
  }

  public func set(_ key: StoreKey, _ value: [UInt8], ttl: Int?) throws(StoreError) {
    try locked { client throws(StoreError) in
      try client.set(keyspace.qualified(key), value, expiration: Self.expiration(ttl))
      Self.index(key, keyspace: keyspace, client: client)
    }
  }

  /// Adds a key to its namespace's index. The index is an item like any other, so it can reach
  /// memcached's item size limit: then it is rewritten without the keys memcached no longer
  /// holds, and if that is still too much, with half of them. Trouble with the index never
  /// fails the write itself (the value is stored; only `scan` could miss it).
  private static func index(_ key: StoreKey, keyspace: SharedKeyspace, client: MemcachedClient) {
    let line = Array((key.key + "\n").utf8)
    do {
      try client.append(keyspace.indexKey(key.namespace), line)
    } catch {
      guard var keys = try? indexedKeys(keyspace, key.namespace, client: client) else { return }
      keys = keys.filter { (try? client.get(keyspace.qualified(StoreKey(key.namespace, $0)))) != nil }
      var body = Array((keys + [key.key]).map { $0 + "\n" }.joined().utf8)
      if body.count > maximumIndexBytes {
        body = Array((Array(keys.suffix(keys.count / 2)) + [key.key]).map { $0 + "\n" }.joined().utf8)
      }
      try? client.set(keyspace.indexKey(key.namespace), body, expiration: 0)
    }
  }

  /// Well below memcached's default 1 MB item limit.
  static let maximumIndexBytes = 900_000

  public func delete(_ key: StoreKey) throws(StoreError) {
    try locked { client throws(StoreError) in try client.delete(keyspace.qualified(key)) }
  }

  public func scan(namespace: String, prefix: String) throws(StoreError) -> [(key: String, value: [UInt8])] {
    try locked { client throws(StoreError) in
      var result: [(key: String, value: [UInt8])] = []
      for key in try Self.indexedKeys(keyspace, namespace, client: client) where key.hasPrefix(prefix) {
        if let value = try client.get(keyspace.qualified(StoreKey(namespace, key))) { result.append((key, value)) }
      }
      return result
    }
  }

  public func clear(namespace: String?) throws(StoreError) {
    try locked { client throws(StoreError) in
      for space in namespace.map({ [$0] }) ?? Self.namespaces {
        for key in try Self.indexedKeys(keyspace, space, client: client) { try client.delete(keyspace.qualified(StoreKey(space, key))) }
        try client.delete(keyspace.indexKey(space))
      }
    }
  }

  /// Rewrites each namespace's index without the keys memcached has expired or evicted.
  public func vacuum() throws(StoreError) -> Int {
    try locked { client throws(StoreError) in
      var dropped = 0
      for space in Self.namespaces {
        let keys = try Self.indexedKeys(keyspace, space, client: client)
        var live: [String] = []
        for key in keys where try client.get(keyspace.qualified(StoreKey(space, key))) != nil { live.append(key) }
        dropped += keys.count - live.count
        if live.count != keys.count {
          try client.set(keyspace.indexKey(space), Array(live.map { $0 + "\n" }.joined().utf8), expiration: 0)
        }
      }
      return dropped
    }
  }

  public func usage() throws(StoreError) -> TierUsage {
    try locked { client throws(StoreError) in
      var entries = 0
      var bytes = 0
      for space in Self.namespaces {
        for key in try Self.indexedKeys(keyspace, space, client: client) {
          guard let value = try client.get(keyspace.qualified(StoreKey(space, key))) else { continue }
          entries += 1
          bytes += value.count
        }
      }
      return TierUsage(entries: entries, bytes: bytes)
    }
  }

  private func locked<T>(_ body: (MemcachedClient) throws(StoreError) -> T) throws(StoreError) -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(client)
  }

  private static func indexedKeys(
    _ keyspace: SharedKeyspace, _ namespace: String, client: MemcachedClient
  ) throws(StoreError) -> [String] {
    guard let index = try client.get(keyspace.indexKey(namespace)) else { return [] }
    var seen = Set<String>()
    return String(decoding: index, as: UTF8.self).split(separator: "\n").map(String.init)
      .filter { seen.insert($0).inserted }.sorted()
  }

  /// Memcached reads an expiration over 30 days as an absolute time.
  static func expiration(_ ttl: Int?) -> Int {
    guard let ttl else { return 0 }
    let thirtyDays = 30 * 24 * 3600
    return ttl > thirtyDays ? Int(StoreClock.now() / 1_000) + ttl : max(1, ttl)
  }
}

/// The only Swift file that touches libmemcached: one client with connect/poll timeouts, so a
/// server that is down fails a call quickly instead of hanging it.
final class MemcachedClient {
  private let handle: UnsafeMutablePointer<memcached_st>
  private let endpoint: StoreEndpoint

  init(endpoint: StoreEndpoint, timeoutMilliseconds: Int) throws(StoreError) {
    guard let handle = memcached_create(nil) else { throw StoreError(tier: "memcached", "out of memory") }
    self.handle = handle
    self.endpoint = endpoint
    let milliseconds = UInt64(timeoutMilliseconds)
    memcached_behavior_set(handle, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, milliseconds)
    memcached_behavior_set(handle, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, milliseconds)
    memcached_behavior_set(handle, MEMCACHED_BEHAVIOR_SND_TIMEOUT, milliseconds * 1000)
    memcached_behavior_set(handle, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, milliseconds * 1000)
    let status = memcached_server_add(handle, endpoint.host, in_port_t(endpoint.port))
    try check(status, "adding the server")
  }

  deinit { memcached_free(handle) }

  func get(_ key: String) throws(StoreError) -> [UInt8]? {
    var length = 0
    var flags: UInt32 = 0
    var status = MEMCACHED_SUCCESS
    let value = memcached_get(handle, key, key.utf8.count, &length, &flags, &status)
    defer { free(value) }
    if status == MEMCACHED_NOTFOUND { return nil }
    try check(status, "GET")
    guard let value else { return [] }
    return Array(UnsafeRawBufferPointer(start: value, count: length))
  }

  func set(_ key: String, _ value: [UInt8], expiration: Int) throws(StoreError) {
    let status = value.withUnsafeBytes { raw in
      memcached_set(
        handle, key, key.utf8.count, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count,
        time_t(expiration), 0)
    }
    try check(status, "SET")
  }

  /// APPEND, creating the entry when it does not exist yet. Memcached also answers NOT_STORED
  /// when the item would outgrow its size limit: after one retry that is an error, not a loop.
  func append(_ key: String, _ value: [UInt8], retried: Bool = false) throws(StoreError) {
    let status = value.withUnsafeBytes { raw in
      memcached_append(handle, key, key.utf8.count, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, 0, 0)
    }
    if status == MEMCACHED_NOTSTORED {
      let added = value.withUnsafeBytes { raw in
        memcached_add(handle, key, key.utf8.count, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, 0, 0)
      }
      if added == MEMCACHED_NOTSTORED || added == MEMCACHED_DATA_EXISTS {
        // It exists: another process created it between the two calls (append again, once),
        // or it is full.
        guard !retried else { throw StoreError(tier: "memcached", "\(endpoint): \(key) is full") }
        return try append(key, value, retried: true)
      }
      try check(added, "ADD")
      return
    }
    try check(status, "APPEND")
  }

  func delete(_ key: String) throws(StoreError) {
    let status = memcached_delete(handle, key, key.utf8.count, 0)
    if status == MEMCACHED_NOTFOUND { return }
    try check(status, "DELETE")
  }

  private func check(_ status: memcached_return_t, _ operation: String) throws(StoreError) {
    guard status != MEMCACHED_SUCCESS && status != MEMCACHED_BUFFERED else { return }
    let text = String(cString: memcached_strerror(handle, status))
    throw StoreError(tier: "memcached", "\(endpoint): \(operation) failed: \(text.lowercased())")
  }
}

extension SharedKeyspace {
  /// The entry listing a namespace's keys (memcached cannot list them).
  func indexKey(_ namespace: String) -> String { namespacePrefix(namespace) + ".index" }
}
