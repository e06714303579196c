import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The in-process tier: bounds and each eviction policy.
struct MemoryTierTests {
  let a = StoreKey("analysis", "a"), b = StoreKey("analysis", "b"), c = StoreKey("analysis", "c")

  @Test func roundTripAndDelete() throws {
    let tier = MemoryTier()
    try tier.set(a, [1, 2, 3], ttl: nil)
    #expect(try tier.get(a) == [1, 2, 3])
    try tier.delete(a)
    #expect(try tier.get(a) == nil)
  }

  @Test func lruDropsTheLeastRecentlyRead() throws {
    let tier = MemoryTier(policy: .lru, maxEntries: 2)
    try tier.set(a, [1], ttl: nil)
    try tier.set(b, [2], ttl: nil)
    _ = try tier.get(a)
    try tier.set(c, [3], ttl: nil)
    #expect(try tier.get(a) == [1])
    #expect(try tier.get(b) == nil)
    #expect(tier.evictions == 1)
  }

  @Test func fifoIgnoresReads() throws {
    let tier = MemoryTier(policy: .fifo, maxEntries: 2)
    try tier.set(a, [1], ttl: nil)
    try tier.set(b, [2], ttl: nil)
    _ = try tier.get(a)
    try tier.set(c, [3], ttl: nil)
    #expect(try tier.get(a) == nil)
    #expect(try tier.get(b) == [2])
  }

  @Test func lfuKeepsTheMostRead() throws {
    let tier = MemoryTier(policy: .lfu, maxEntries: 2)
    try tier.set(a, [1], ttl: nil)
    try tier.set(b, [2], ttl: nil)
    for _ in 0..<3 { _ = try tier.get(a) }
    _ = try tier.get(b)
    try tier.set(c, [3], ttl: nil)
    #expect(try tier.get(a) == [1])
    #expect(try tier.get(b) == nil)
  }

  @Test func ttlPolicyDropsTheSoonestToExpire() throws {
    let tier = MemoryTier(policy: .ttl, maxEntries: 2)
    try tier.set(a, [1], ttl: 1_000)
    try tier.set(b, [2], ttl: 10)
    try tier.set(c, [3], ttl: nil)
    #expect(try tier.get(b) == nil)
    #expect(try tier.get(a) == [1])
    #expect(try tier.get(c) == [3])
  }

  @Test func byteBoundEvicts() throws {
    let tier = MemoryTier(maxEntries: 100, maxBytes: 10)
    try tier.set(a, Array(repeating: 0, count: 6), ttl: nil)
    try tier.set(b, Array(repeating: 0, count: 6), ttl: nil)
    #expect(try tier.usage() == TierUsage(entries: 1, bytes: 6))
    #expect(try tier.get(a) == nil)
  }

  @Test func expiredEntriesAreMisses() throws {
    let clock = ManualClock()
    let tier = MemoryTier(clock: clock.storeClock)
    try tier.set(a, [1], ttl: 1)
    try tier.set(b, [2], ttl: nil)
    clock.advance(seconds: 0.9)
    #expect(try tier.get(a) == [1])
    clock.advance(seconds: 0.2)
    #expect(try tier.get(a) == nil)
    #expect(try tier.vacuum() == 0)
    #expect(try tier.get(b) == [2])
  }

  @Test func manyEvictionsStayBounded() throws {
    let tier = MemoryTier(policy: .lru, maxEntries: 100)
    for index in 0..<5_000 {
      try tier.set(StoreKey("history", String(index)), [UInt8(index & 0xff)], ttl: nil)
      _ = try tier.get(StoreKey("history", String(index / 2)))
    }
    #expect(try tier.usage().entries == 100)
    #expect(try tier.get(StoreKey("history", "4999")) == [UInt8(4999 & 0xff)])
    #expect(tier.evictions == 4_900)
  }
}
