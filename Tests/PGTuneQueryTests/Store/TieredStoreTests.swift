import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The tiers stacked: read-through with promotion, write-through, compression, a tier dying
/// mid-run, and two machines sharing one Redis.
@Suite(.serialized)
struct TieredStoreTests {
  let unique = UUID().uuidString.prefix(8).lowercased()

  @Test func aHitInALowerTierIsPromoted() throws {
    let memory = MemoryTier()
    let sqlite = try SQLiteTier(path: SQLiteTierTests.scratchPath())
    let store = TieredStore(tiers: [memory, sqlite])
    let key = StoreKey("analysis", unique)
    try sqlite.set(key, ValueEnvelope(payload: [5, 6], expiresAt: nil).encoded(), ttl: nil)
    #expect(try memory.get(key) == nil)
    #expect(store.get(key) == [5, 6])
    #expect(try memory.get(key) != nil)
    let counters = store.counters()
    #expect(counters[0].misses == 1 && counters[1].hits == 1)
    #expect(counters[0].writes == 1)
  }

  @Test func largeValuesAreCompressedInEveryTier() throws {
    let sqlite = try SQLiteTier(path: SQLiteTierTests.scratchPath())
    let store = TieredStore(tiers: [MemoryTier(), sqlite])
    let payload = Array(String(repeating: "{\"plan\": \"Seq Scan on orders\"}", count: 100).utf8)
    store.set(StoreKey("analysis", unique), payload, ttl: 60)
    let raw = try #require(try sqlite.get(StoreKey("analysis", unique)))
    #expect(raw.count < payload.count / 5)
    #expect(ValueEnvelope.decode(raw)?.wasCompressed == true)
    #expect(store.get(StoreKey("analysis", unique)) == payload)
  }

  @Test func promotionKeepsTheRemainingTTL() throws {
    let clock = ManualClock()
    let memory = MemoryTier(clock: clock.storeClock)
    let sqlite = try SQLiteTier(path: SQLiteTierTests.scratchPath(), clock: clock.storeClock)
    let store = TieredStore(tiers: [memory, sqlite], clock: clock.storeClock)
    let key = StoreKey("analysis", unique)
    try sqlite.set(key, ValueEnvelope(payload: [1], expiresAt: clock.storeClock.now() + 1_000).encoded(), ttl: 1)
    #expect(store.get(key) == [1])
    clock.advance(seconds: 1.1)
    #expect(store.get(key) == nil)
  }

  @Test(.enabled(if: ScratchRedis.available, "redis-server not installed"))
  func redisKilledMidRunGivesOneWarningAndTheSameResults() throws {
    let redis = try ScratchRedis(port: 26_400 + Int(getpid() % 50))
    let warnings = WarningSink()
    let sqlite = try SQLiteTier(path: SQLiteTierTests.scratchPath())
    let store = TieredStore(tiers: [MemoryTier(maxEntries: 5), sqlite, try RedisTier(url: redis.url)], warnings: warnings)
    for index in 0..<20 { store.set(StoreKey("analysis", "k\(index)"), [UInt8(index)], ttl: nil) }
    redis.kill()
    for index in 20..<40 { store.set(StoreKey("analysis", "k\(index)"), [UInt8(index)], ttl: nil) }
    let values = (0..<40).map { store.get(StoreKey("analysis", "k\($0)")) }
    #expect(values == (0..<40).map { [UInt8($0)] })
    let messages = warnings.drain()
    #expect(messages.count == 1)
    #expect(messages.first?.contains("redis://127.0.0.1:") == true)
    #expect(store.isDown(2))
  }

  @Test(.enabled(if: TestServices.redisEnabled, "Redis test server not running (make test starts it)"))
  func twoMachinesShareOneRedis() throws {
    let url = TestServices.redisURL
    let machineA = TieredStore(tiers: [MemoryTier(), try SQLiteTier(path: SQLiteTierTests.scratchPath()), try RedisTier(url: url)])
    for index in 0..<10 { machineA.set(StoreKey("analysis", "\(unique)-\(index)"), [UInt8(index)], ttl: 600) }
    let sqliteB = try SQLiteTier(path: SQLiteTierTests.scratchPath())
    let machineB = TieredStore(tiers: [MemoryTier(), sqliteB, try RedisTier(url: url)])
    let values = (0..<10).map { machineB.get(StoreKey("analysis", "\(unique)-\($0)")) }
    #expect(values == (0..<10).map { [UInt8($0)] })
    let counters = machineB.counters()
    #expect(counters[2].hits == 10 && counters[1].hits == 0)
    // Promoted into machine B's own file (in one batch, written by flush at the latest): the
    // next run there needs no Redis.
    machineB.flush()
    #expect(try sqliteB.usage().entries == 10)
  }

  @Test(.enabled(if: TestServices.redisEnabled, "Redis test server not running (make test starts it)"))
  func prefetchBringsSharedEntriesUpInOneBatch() throws {
    let redis = try RedisTier(url: TestServices.redisURL)
    let keys = (0..<600).map { StoreKey("analysis", "\(unique)-p\($0)") }
    for (index, key) in keys.enumerated() where index % 3 != 0 {
      try redis.set(key, ValueEnvelope(payload: [UInt8(index % 256)], expiresAt: nil).encoded(), ttl: 60)
    }
    let sqlite = try SQLiteTier(path: SQLiteTierTests.scratchPath())
    let memory = MemoryTier()
    let store = TieredStore(tiers: [memory, sqlite, redis])
    store.prefetch(keys)
    #expect(try memory.usage().entries == 400)
    // The gets that follow are answered by the memory tier alone.
    let values = keys.map { store.get($0) }
    #expect(values.enumerated().allSatisfy { index, value in index % 3 == 0 ? value == nil : value == [UInt8(index % 256)] })
    let counters = store.counters()
    #expect(counters[0].hits == 400 && counters[2].hits == 400)
    store.flush()
    #expect(try sqlite.usage().entries == 400)
  }

  @Test(.enabled(if: TestServices.memcachedEnabled, "Memcached test server not running (make test starts it)"))
  func memcachedBelowSQLite() throws {
    let sqlite = try SQLiteTier(path: SQLiteTierTests.scratchPath())
    let memcached = try MemcachedTier(url: TestServices.memcachedURL)
    let writer = TieredStore(tiers: [MemoryTier(), try SQLiteTier(path: SQLiteTierTests.scratchPath()), memcached])
    writer.set(StoreKey("analysis", unique), Array(repeating: 3, count: 4_000), ttl: 600)
    let reader = TieredStore(tiers: [MemoryTier(), sqlite, memcached])
    #expect(reader.get(StoreKey("analysis", unique)) == Array(repeating: 3, count: 4_000))
    #expect(reader.counters()[2].hits == 1)
  }

  @Test func countersAreKeptInTheFile() throws {
    let path = SQLiteTierTests.scratchPath()
    for _ in 0..<2 {
      let store = TieredStore(tiers: [MemoryTier(), try SQLiteTier(path: path)])
      _ = store.get(StoreKey("analysis", "missing"))
      store.set(StoreKey("analysis", "present"), [1], ttl: nil)
      store.recordCounters()
    }
    let totals = try SQLiteTier(path: path).storedCounters()
    #expect(totals["sqlite"]?.misses == 2)
    #expect(totals["sqlite"]?.writes == 2)
    #expect(totals["memory"]?.misses == 2)
  }
}
