/// Whether a statement's live analysis came from the store.
public enum CacheStatus: String, Sendable {
  case hit, miss
}

/// Statements answered from the store and those computed, for a run's summary.
public struct CacheTotals: Sendable, Equatable {
  public var hits: Int
  public var misses: Int

  public init(hits: Int, misses: Int) {
    self.hits = hits
    self.misses = misses
  }
}
