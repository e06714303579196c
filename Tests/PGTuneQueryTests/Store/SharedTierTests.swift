import Foundation
@testable import PGTuneQuery
import TestSupport
import Testing

/// The shared tiers against the real Redis and Memcached the test harness starts.
@Suite(.serialized)
struct SharedTierTests {
  let unique = UUID().uuidString.prefix(8).lowercased()

  @Test(.enabled(if: TestServices.redisEnabled, "Redis test server not running (make test starts it)"))
  func redisRoundTripScanAndExpiry() throws {
    let tier = try RedisTier(url: TestServices.redisURL)
    let payload = Array(repeating: UInt8(0xab), count: 3_000) + [0, 1, 2]
    try tier.set(StoreKey("history", "\(unique):1"), payload, ttl: nil)
    try tier.set(StoreKey("history", "\(unique):2"), [2], ttl: 1)
    #expect(try tier.get(StoreKey("history", "\(unique):1")) == payload)
    #expect(try tier.scan(namespace: "history", prefix: "\(unique):").map(\.key) == ["\(unique):1", "\(unique):2"])
    // The server keeps time here: poll until it has expired the entry (at most a few seconds).
    #expect(try waitUntil(timeout: 5) { try tier.get(StoreKey("history", "\(unique):2")) == nil })
    try tier.delete(StoreKey("history", "\(unique):1"))
    #expect(try tier.scan(namespace: "history", prefix: "\(unique):").isEmpty)
  }

  @Test(.enabled(if: TestServices.redisEnabled, "Redis test server not running (make test starts it)"))
  func redisDatabaseNumberAndClear() throws {
    let url = TestServices.redisURL.replacingOccurrences(of: "/0", with: "/7")
    let tier = try RedisTier(url: url)
    let other = try RedisTier(url: TestServices.redisURL)
    try tier.set(StoreKey("report", unique), [1], ttl: nil)
    #expect(try other.get(StoreKey("report", unique)) == nil)
    try tier.clear(namespace: nil)
    #expect(try tier.usage().entries == 0)
  }

  @Test func redisDownIsAOneLineError() {
    let start = Date()
    #expect(throws: StoreError.self) { try RedisTier(url: "redis://127.0.0.1:\(TestServices.closedPort)/0") }
    #expect(Date().timeIntervalSince(start) < 5)
    #expect(throws: StoreError.self) { try RedisTier(url: "redis://127.0.0.1:99999999") }
  }

  @Test(.enabled(if: TestServices.memcachedEnabled, "Memcached test server not running (make test starts it)"))
  func memcachedRoundTripScanExpiryAndClear() throws {
    let tier = try MemcachedTier(url: TestServices.memcachedURL)
    let payload = Array(repeating: UInt8(7), count: 5_000)
    try tier.set(StoreKey("report", "\(unique):a"), payload, ttl: nil)
    try tier.set(StoreKey("report", "\(unique):b"), [2], ttl: 1)
    #expect(try tier.get(StoreKey("report", "\(unique):a")) == payload)
    #expect(try tier.scan(namespace: "report", prefix: "\(unique):").map(\.key) == ["\(unique):a", "\(unique):b"])
    // memcached's expiry has one-second granularity and runs on the server's clock: poll for it.
    #expect(try waitUntil(timeout: 5) { try tier.get(StoreKey("report", "\(unique):b")) == nil })
    #expect(try tier.vacuum() >= 1)
    #expect(try tier.scan(namespace: "report", prefix: "\(unique):").map(\.key) == ["\(unique):a"])
    try tier.clear(namespace: "report")
    #expect(try tier.get(StoreKey("report", "\(unique):a")) == nil)
  }

  @Test(.enabled(if: TestServices.memcachedEnabled, "Memcached test server not running (make test starts it)"))
  func aFullMemcachedIndexIsCompactedNotAFailure() throws {
    let tier = try MemcachedTier(url: TestServices.memcachedURL)
    // An index item just under memcached's 1 MB item limit, full of keys that no longer exist:
    // a few more appends overflow it (memcached then answers NOT_STORED).
    let dead = (0..<30_000).map { "gone-\($0)-\(unique)-padding-padding\n" }.joined()
    try tier.set(StoreKey("history", ".index"), Array(dead.utf8.prefix(1_048_300)), ttl: nil)
    let keys = (0..<20).map { StoreKey("history", "\(unique):fresh-\(String(format: "%02d", $0))") }
    for key in keys { try tier.set(key, [42], ttl: 60) }
    #expect(try keys.allSatisfy { try tier.get($0) == [42] })
    #expect(try tier.scan(namespace: "history", prefix: "\(unique):").map(\.key) == keys.map(\.key))
    // The index was rewritten without the dead keys.
    #expect((try tier.get(StoreKey("history", ".index"))?.count ?? .max) < 10_000)
    try tier.delete(StoreKey("history", ".index"))
  }

  /// `--store-namespace`: the same key in the default keyspace and in two projects' is three
  /// entries; clearing one keyspace leaves the others (the default's `pgtq:*` pattern cannot
  /// match a project's `pgtq@…` keys).
  @Test(arguments: ["redis", "memcached"])
  func namespacesKeepProjectsApart(kind: String) throws {
    guard kind == "redis" ? TestServices.redisEnabled : TestServices.memcachedEnabled else { return }
    func tier(_ project: String?) throws -> any StoreTier {
      let keyspace = SharedKeyspace(project: project)
      let redis = TestServices.redisURL.replacingOccurrences(of: "/0", with: "/6")
      return kind == "redis"
        ? try RedisTier(url: redis, keyspace: keyspace) : try MemcachedTier(url: TestServices.memcachedURL, keyspace: keyspace)
    }
    let (shared, teamA, teamB) = (try tier(nil), try tier("team-a-\(unique)"), try tier("team-b-\(unique)"))
    let key = StoreKey("analysis", "\(unique)-fingerprint")
    try shared.set(key, [0], ttl: 60)
    try teamA.set(key, [1], ttl: 60)
    try teamB.set(key, [2], ttl: 60)
    #expect(try shared.get(key) == [0] && teamA.get(key) == [1] && teamB.get(key) == [2])
    #expect(try teamA.scan(namespace: "analysis", prefix: unique).map(\.value) == [[1]])
    try shared.clear(namespace: nil)
    #expect(try shared.get(key) == nil)
    #expect(try teamA.get(key) == [1] && teamB.get(key) == [2])
    try teamA.clear(namespace: nil)
    #expect(try teamA.get(key) == nil && teamB.get(key) == [2])
    try teamB.clear(namespace: nil)
  }

  @Test func namespaceNamesAreChecked() {
    #expect(SharedKeyspace.problem(with: "team-a.prod_2") == nil)
    for bad in ["", "a:b", "a*", "a b", String(repeating: "x", count: 65), "é"] {
      #expect(SharedKeyspace.problem(with: bad) != nil, "\(bad)")
    }
    #expect(SharedKeyspace(project: "x").qualified(StoreKey("history", "k")) == "pgtq@x:history:k")
    #expect(SharedKeyspace().qualified(StoreKey("history", "k")) == "pgtq:history:k")
  }

  @Test func memcachedDownIsAOneLineError() {
    let start = Date()
    #expect(throws: StoreError.self) { try MemcachedTier(url: "memcached://127.0.0.1:\(TestServices.closedPort)") }
    #expect(Date().timeIntervalSince(start) < 5)
  }

  @Test func memcachedLongTTLsBecomeAbsoluteTimes() {
    #expect(MemcachedTier.expiration(60) == 60)
    #expect(MemcachedTier.expiration(60 * 24 * 3600) > 1_700_000_000)
  }
}
