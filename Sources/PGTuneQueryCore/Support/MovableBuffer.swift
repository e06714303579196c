/// Elements appended on one thread and later moved, not copied, into one array on another.
///
/// Concatenating workers' arrays with `append(contentsOf:)` copies each element (a statement
/// analysis holds a dozen references: a dozen retains, and as many releases when the worker's
/// array goes) on the one thread that waits for the workers; moving is a `memcpy`.
///
/// A class so that it can travel inside the results the workers hand back; it has one owner at a
/// time (the worker that fills it, then the thread that empties it).
package final class MovableBuffer<Element>: @unchecked Sendable {
  private var base: UnsafeMutablePointer<Element>
  private var capacity: Int
  package private(set) var count = 0

  package init(capacity: Int = 16) {
    self.capacity = max(1, capacity)
    base = .allocate(capacity: self.capacity)
  }

  deinit {
    base.deinitialize(count: count)
    base.deallocate()
  }

  package func append(_ element: consuming Element) {
    if count == capacity {
      let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
      grown.moveInitialize(from: base, count: count)
      base.deallocate()
      base = grown
      capacity *= 2
    }
    (base + count).initialize(to: element)
    count += 1
  }

  /// Moves every element to `destination` (uninitialized memory for `count` elements) and leaves
  /// the buffer empty.
  package func moveAll(to destination: UnsafeMutablePointer<Element>) {
    destination.moveInitialize(from: base, count: count)
    count = 0
  }
}

extension Array {
  /// The buffers' elements in order, moved out of them (they are left empty).
  package init(moving buffers: [MovableBuffer<Element>]) {
    let total = buffers.reduce(0) { $0 + $1.count }
    self.init(unsafeUninitializedCapacity: total) { storage, initialized in
      for buffer in buffers {
        let count = buffer.count
        if count > 0, let base = storage.baseAddress { buffer.moveAll(to: base + initialized) }
        initialized += count
      }
    }
  }
}
