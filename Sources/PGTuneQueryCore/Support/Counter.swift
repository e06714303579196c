import Synchronization

/// A count shared by threads (progress of parallel workers, bytes read by parallel readers).
public final class Counter: Sendable {
  private let value = Mutex(0)

  public init() {}

  /// Adds `amount` and returns the new total.
  @discardableResult
  public func add(_ amount: Int) -> Int { value.withLock { $0 += amount; return $0 } }
}
