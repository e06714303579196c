import Foundation
import Synchronization

/// The namespaces the tool stores under.
public enum StoreNamespace: String, Sendable, CaseIterable {
  /// Cached live analyses, keyed by fingerprint and plan signature.
  case analysis
  /// Per-fingerprint metrics, one entry per run (`history`).
  case history
  /// Aggregates of `report` runs (for `report --from-store` and `warm`).
  case report
  /// The log files `report` has recorded and how far (read once: `InputLedger`).
  case inputs
}

/// Warnings gathered while the store runs (a tier down, a file rebuilt), shown once by the CLI.
public final class WarningSink: Sendable {
  private let messages = Mutex<[String]>([])

  public init() {}

  public func add(_ message: String) { messages.withLock { $0.append(message) } }

  /// The warnings not yet taken.
  public func drain() -> [String] { messages.withLock { list in defer { list.removeAll() }; return list } }
}

/// What one tier did, in this run or (from the SQLite file) over all runs.
public struct TierCounters: Sendable, Equatable {
  public var hits = 0
  public var misses = 0
  public var writes = 0
  public var errors = 0
  public var evictions = 0
  public var latencyNanoseconds = 0
  public var operations = 0

  public init(
    hits: Int = 0, misses: Int = 0, writes: Int = 0, errors: Int = 0, evictions: Int = 0, latencyNanoseconds: Int = 0,
    operations: Int = 0
  ) {
    self.hits = hits
    self.misses = misses
    self.writes = writes
    self.errors = errors
    self.evictions = evictions
    self.latencyNanoseconds = latencyNanoseconds
    self.operations = operations
  }

  public var meanLatencyMicroseconds: Double {
    operations == 0 ? 0 : Double(latencyNanoseconds) / Double(operations) / 1_000
  }

  static func + (a: TierCounters, b: TierCounters) -> TierCounters {
    TierCounters(
      hits: a.hits + b.hits, misses: a.misses + b.misses, writes: a.writes + b.writes, errors: a.errors + b.errors,
      evictions: a.evictions + b.evictions, latencyNanoseconds: a.latencyNanoseconds + b.latencyNanoseconds,
      operations: a.operations + b.operations)
  }
}

/// Tiers read in order (memory, SQLite, then shared tiers) with promotion on a hit and
/// write-through on a set. Values are wrapped in a `ValueEnvelope` (compressed over 1 KB, expiry
/// in the header). A tier that fails is reported once as a warning and skipped from then on, so
/// a Redis that dies mid-run costs speed, never results.
public final class TieredStore: Sendable {
  public let tiers: [any StoreTier]
  public let warnings: WarningSink
  private let state: Mutex<State>

  private struct State {
    var counters: [TierCounters]
    var down: [Bool]
    /// Promotions into the SQLite tier waiting to be written in one transaction, by TTL.
    var pendingPromotions: [(key: StoreKey, value: [UInt8], ttl: Int?)] = []
  }

  /// The time expiries are judged by.
  let clock: StoreClock

  /// Promotions into the local file are written in batches of this many (one transaction each)
  /// rather than one commit per hit in a shared tier.
  static let promotionBatch = 256

  public init(tiers: [any StoreTier], warnings: WarningSink = WarningSink(), clock: StoreClock = .system) {
    self.clock = clock
    self.tiers = tiers
    self.warnings = warnings
    state = Mutex(State(counters: Array(repeating: TierCounters(), count: tiers.count), down: Array(repeating: false, count: tiers.count)))
  }

  /// The payload stored under `key`, from the first tier that has it.
  public func get(_ key: StoreKey) -> [UInt8]? {
    getEnvelope(key)?.payload
  }

  public func getEnvelope(_ key: StoreKey) -> ValueEnvelope? {
    for index in tiers.indices where isUp(index) {
      let bytes = timed(index) { tier throws(StoreError) in try tier.get(key) }
      guard let found = bytes ?? nil, let envelope = ValueEnvelope.decode(found),
        !envelope.isExpired(now: clock.now())
      else {
        if bytes != nil { count(index) { $0.misses += 1 } }
        continue
      }
      count(index) { $0.hits += 1 }
      promote(key, found, ttl: envelope.remainingTTL(now: clock.now()), above: index)
      return envelope
    }
    return nil
  }

  /// Fetches many keys ahead of their `get`s, a batch per tier (one MGET per 500 keys on Redis
  /// instead of a round trip each), and promotes what it finds so the `get`s hit the memory
  /// tier. Skipped when the batch would not fit in the memory tier.
  public func prefetch(_ keys: [StoreKey]) {
    guard let memory = tiers.first as? MemoryTier, keys.count <= memory.maxEntries / 2, tiers.count > 1 else { return }
    var missing = keys
    for index in tiers.indices.dropFirst() where isUp(index) && !missing.isEmpty {
      guard let found = timed(index, { tier throws(StoreError) in try tier.getMany(missing) }) else { continue }
      for (key, bytes) in found {
        guard let envelope = ValueEnvelope.decode(bytes), !envelope.isExpired(now: clock.now()) else { continue }
        promote(key, bytes, ttl: envelope.remainingTTL(now: clock.now()), above: index)
      }
      count(index) { $0.hits += found.count }
      missing.removeAll { found[$0] != nil }
    }
  }

  /// Writes through to every tier that is up; `ttl` in seconds, nil for none.
  public func set(_ key: StoreKey, _ payload: [UInt8], ttl: Int?) {
    let envelope = ValueEnvelope(payload: payload, expiresAt: ttl.map { clock.now() + Int64($0) * 1_000 })
    let bytes = envelope.encoded()
    for index in tiers.indices where isUp(index) {
      timed(index) { tier throws(StoreError) in try tier.set(key, bytes, ttl: ttl) }
      count(index) { $0.writes += 1 }
    }
  }

  /// Writes several entries through every tier that is up (one transaction in SQLite). Not
  /// kept in the memory tier: batches are records (history, report runs), not lookups.
  public func setMany(_ entries: [(StoreKey, [UInt8])], ttl: Int?) {
    guard !entries.isEmpty else { return }
    let expiry = ttl.map { clock.now() + Int64($0) * 1_000 }
    let encoded = entries.map { (key: $0.0, value: ValueEnvelope(payload: $0.1, expiresAt: expiry).encoded(), ttl: ttl) }
    for index in tiers.indices where isUp(index) && tiers[index].kind != "memory" {
      timed(index) { tier throws(StoreError) in try tier.setMany(encoded) }
      count(index) { $0.writes += entries.count }
    }
  }

  public func delete(_ key: StoreKey) {
    for index in tiers.indices where isUp(index) { timed(index) { tier throws(StoreError) in try tier.delete(key) } }
  }

  /// Entries of a namespace under a key prefix, merged over every tier (the upper tier's value
  /// wins): history written by other machines into a shared tier shows up here.
  public func scan(_ namespace: StoreNamespace, prefix: String = "") -> [(key: String, payload: [UInt8])] {
    var merged: [String: [UInt8]] = [:]
    for index in tiers.indices where isUp(index) && tiers[index].kind != "memory" {
      guard let entries = timed(index, { tier throws(StoreError) in try tier.scan(namespace: namespace.rawValue, prefix: prefix) })
      else { continue }
      for (key, bytes) in entries where merged[key] == nil {
        if let envelope = ValueEnvelope.decode(bytes) { merged[key] = envelope.payload }
      }
    }
    return merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }

  public func clear(_ namespace: StoreNamespace?) {
    for index in tiers.indices where isUp(index) {
      timed(index) { tier throws(StoreError) in try tier.clear(namespace: namespace?.rawValue) }
    }
  }

  /// Per tier: entries dropped by vacuum (nil when the tier is down).
  public func vacuum() -> [Int?] {
    tiers.indices.map { index in isUp(index) ? timed(index) { tier throws(StoreError) in try tier.vacuum() } : nil }
  }

  /// This run's counters per tier, with the tier's own eviction count.
  public func counters() -> [TierCounters] {
    state.withLock { state in
      tiers.indices.map { index in
        var counters = state.counters[index]
        counters.evictions = tiers[index].evictions
        return counters
      }
    }
  }

  public func isDown(_ index: Int) -> Bool { !isUp(index) }

  /// Adds this run's counters to the totals in the SQLite tier (if any) for `cache stats`.
  /// Writes the promotions still queued (call before the process ends; `recordCounters` does).
  public func flush() {
    let batch = state.withLock { state in
      defer { state.pendingPromotions = [] }
      return state.pendingPromotions
    }
    guard !batch.isEmpty, let index = tiers.firstIndex(where: { $0 is SQLiteTier }), isUp(index) else { return }
    timed(index) { tier throws(StoreError) in try tier.setMany(batch) }
  }

  /// Copies a value found in tier `index` into the tiers above it (the local file in batches).
  private func promote(_ key: StoreKey, _ bytes: [UInt8], ttl: Int?, above index: Int) {
    for upper in 0..<index where isUp(upper) {
      count(upper) { $0.writes += 1 }
      if tiers[upper] is SQLiteTier {
        queuePromotion(key, bytes, ttl: ttl)
      } else {
        timed(upper) { tier throws(StoreError) in try tier.set(key, bytes, ttl: ttl) }
      }
    }
  }

  private func queuePromotion(_ key: StoreKey, _ bytes: [UInt8], ttl: Int?) {
    let full = state.withLock { state -> Bool in
      state.pendingPromotions.append((key, bytes, ttl))
      return state.pendingPromotions.count >= Self.promotionBatch
    }
    if full { flush() }
  }

  public func recordCounters() {
    flush()
    guard let sqlite = tiers.first(where: { $0 is SQLiteTier }) as? SQLiteTier else { return }
    var byKind: [String: TierCounters] = [:]
    for (tier, counters) in zip(tiers, counters()) { byKind[tier.kind, default: TierCounters()] = byKind[tier.kind, default: TierCounters()] + counters }
    do { try sqlite.addCounters(byKind) } catch { warnings.add("store counters not saved: \(error.localizedDescription)") }
  }

  // MARK: - Tier health and timing

  private func isUp(_ index: Int) -> Bool { state.withLock { !$0.down[index] } }

  private func count(_ index: Int, _ change: (inout TierCounters) -> Void) {
    state.withLock { change(&$0.counters[index]) }
  }

  /// Runs one tier call, timing it; a failure marks the tier down (warned once) and returns nil.
  @discardableResult
  private func timed<T>(_ index: Int, _ body: (any StoreTier) throws(StoreError) -> T) -> T? {
    let start = DispatchTime.now().uptimeNanoseconds
    do {
      let value = try body(tiers[index])
      let elapsed = Int(DispatchTime.now().uptimeNanoseconds - start)
      count(index) {
        $0.latencyNanoseconds += elapsed
        $0.operations += 1
      }
      return value
    } catch {
      let first = state.withLock { state -> Bool in
        state.counters[index].errors += 1
        defer { state.down[index] = true }
        return !state.down[index]
      }
      if first {
        warnings.add(
          "store tier \(tiers[index].location) is unavailable (\(error.message)); continuing without it")
      }
      return nil
    }
  }
}
