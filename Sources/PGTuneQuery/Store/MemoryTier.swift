import Synchronization

/// Which entry the memory tier drops first when it is full.
public enum EvictionPolicy: String, Sendable, CaseIterable {
  /// Least recently used (the default).
  case lru
  /// Least frequently used; ties go to the least recently used.
  case lfu
  /// First in, first out: reads do not save an entry.
  case fifo
  /// Soonest to expire; entries without a TTL go last.
  case ttl
}

/// L1: an in-process map bounded by entry count and bytes. Eviction order is kept in a binary
/// heap with lazy deletion (a stale heap slot is skipped when it surfaces), so every policy costs
/// O(log n) per operation instead of a scan of all entries.
public final class MemoryTier: StoreTier {
  public let kind = "memory"
  public let location = "in-process"
  public let policy: EvictionPolicy
  public let maxEntries: Int
  public let maxBytes: Int
  private let state: Mutex<State>
  private let clock: StoreClock

  public init(policy: EvictionPolicy = .lru, maxEntries: Int = 10_000, maxBytes: Int = 64 << 20, clock: StoreClock = .system) {
    self.clock = clock
    self.policy = policy
    self.maxEntries = max(1, maxEntries)
    self.maxBytes = max(1, maxBytes)
    state = Mutex(State())
  }

  public var evictions: Int { state.withLock { $0.evictions } }

  public func get(_ key: StoreKey) throws(StoreError) -> [UInt8]? {
    let now = clock.now()
    return state.withLock { state -> [UInt8]? in
      guard var entry = state.entries[key] else { return nil }
      if let expiry = entry.expiresAt, expiry <= now {
        state.remove(key)
        return nil
      }
      state.tick += 1
      entry.lastAccess = state.tick
      entry.frequency += 1
      if policy == .lru || policy == .lfu {
        // The entry moves in eviction order: a new heap slot, the old one goes stale.
        entry.generation += 1
        state.push(key, entry, policy: policy)
      }
      state.entries[key] = entry
      return entry.value
    }
  }

  public func set(_ key: StoreKey, _ value: [UInt8], ttl: Int?) throws(StoreError) {
    let now = clock.now()
    state.withLock { state in
      guard value.count <= maxBytes else { return }
      state.remove(key)
      // Make room first, so the entry being written is never its own victim.
      while !state.entries.isEmpty && (state.entries.count + 1 > maxEntries || state.bytes + value.count > maxBytes) {
        guard state.evictOne() else { break }
      }
      state.tick += 1
      let entry = Entry(
        value: value, expiresAt: ttl.map { now + Int64($0) * 1_000 }, inserted: state.tick, lastAccess: state.tick,
        frequency: 1, generation: 0)
      state.entries[key] = entry
      state.bytes += value.count
      state.push(key, entry, policy: policy)
      state.compactHeapIfBloated()
    }
  }

  public func delete(_ key: StoreKey) throws(StoreError) {
    state.withLock { $0.remove(key) }
  }

  public func scan(namespace: String, prefix: String) throws(StoreError) -> [(key: String, value: [UInt8])] {
    let now = clock.now()
    return state.withLock { state in
      state.entries
        .filter { $0.key.namespace == namespace && $0.key.key.hasPrefix(prefix) && ($0.value.expiresAt ?? .max) > now }
        .map { (key: $0.key.key, value: $0.value.value) }
        .sorted { $0.key < $1.key }
    }
  }

  public func clear(namespace: String?) throws(StoreError) {
    state.withLock { state in
      for key in state.entries.keys where namespace == nil || key.namespace == namespace { state.remove(key) }
      state.compactHeapIfBloated()
    }
  }

  public func vacuum() throws(StoreError) -> Int {
    let now = clock.now()
    return state.withLock { state in
      let expired = state.entries.filter { ($0.value.expiresAt ?? .max) <= now }.map(\.key)
      for key in expired { state.remove(key) }
      state.compactHeapIfBloated()
      return expired.count
    }
  }

  public func usage() throws(StoreError) -> TierUsage {
    state.withLock { TierUsage(entries: $0.entries.count, bytes: $0.bytes) }
  }

  private struct Entry {
    var value: [UInt8]
    var expiresAt: Int64?
    var inserted: Int64
    var lastAccess: Int64
    var frequency: Int64
    /// Bumped on every access so older heap slots of this entry are recognised as stale.
    var generation: Int64
  }

  private struct HeapSlot {
    var priority: (Int64, Int64)
    var key: StoreKey
    var generation: Int64
    var inserted: Int64
  }

  private struct State {
    var entries: [StoreKey: Entry] = [:]
    var heap: [HeapSlot] = []
    var bytes = 0
    var tick: Int64 = 0
    var evictions = 0

    static func priority(of entry: Entry, policy: EvictionPolicy) -> (Int64, Int64) {
      switch policy {
      case .lru: (entry.lastAccess, 0)
      case .lfu: (entry.frequency, entry.lastAccess)
      case .fifo: (entry.inserted, 0)
      case .ttl: (entry.expiresAt ?? .max, entry.inserted)
      }
    }

    mutating func push(_ key: StoreKey, _ entry: Entry, policy: EvictionPolicy) {
      heap.append(
        HeapSlot(
          priority: Self.priority(of: entry, policy: policy), key: key, generation: entry.generation,
          inserted: entry.inserted))
      siftUp(heap.count - 1)
    }

    mutating func remove(_ key: StoreKey) {
      guard let entry = entries.removeValue(forKey: key) else { return }
      bytes -= entry.value.count
    }

    /// Drops the first live entry in eviction order. (Under `ttl` that is the soonest-expiring,
    /// so expired entries go first; other policies drop expired entries when they are read.)
    mutating func evictOne() -> Bool {
      while let slot = popMin() {
        guard let entry = entries[slot.key], entry.generation == slot.generation, entry.inserted == slot.inserted
        else { continue }
        remove(slot.key)
        evictions += 1
        return true
      }
      return false
    }

    /// Reads leave stale slots behind; rebuild once they outnumber live entries four to one.
    mutating func compactHeapIfBloated() {
      guard heap.count > 64, heap.count > 4 * entries.count else { return }
      heap.removeAll { slot in
        guard let entry = entries[slot.key] else { return true }
        return entry.generation != slot.generation || entry.inserted != slot.inserted
      }
      for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private func less(_ a: Int, _ b: Int) -> Bool { heap[a].priority < heap[b].priority }

    private mutating func siftUp(_ start: Int) {
      var child = start
      while child > 0 {
        let parent = (child - 1) / 2
        guard less(child, parent) else { return }
        heap.swapAt(child, parent)
        child = parent
      }
    }

    private mutating func siftDown(_ start: Int) {
      var parent = start
      while true {
        let left = 2 * parent + 1
        let right = left + 1
        var smallest = parent
        if left < heap.count && less(left, smallest) { smallest = left }
        if right < heap.count && less(right, smallest) { smallest = right }
        guard smallest != parent else { return }
        heap.swapAt(parent, smallest)
        parent = smallest
      }
    }

    private mutating func popMin() -> HeapSlot? {
      guard !heap.isEmpty else { return nil }
      heap.swapAt(0, heap.count - 1)
      let slot = heap.removeLast()
      if !heap.isEmpty { siftDown(0) }
      return slot
    }
  }
}
