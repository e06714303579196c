import Foundation

/// Results written by worker threads into their own slots, read once all are done.
package final class ResultSlots<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Value?]

  package init(count: Int) { slots = Array(repeating: nil, count: count) }

  package func set(_ index: Int, _ value: Value) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }

  package var values: [Value] { slots.compactMap { $0 } }

  /// The value set at `index`, if any.
  package func value(_ index: Int) -> Value? {
    lock.lock()
    defer { lock.unlock() }
    return slots[index]
  }
}
