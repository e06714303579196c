import Foundation
import Synchronization

/// Runs independent jobs on a few threads of our own.
///
/// Why not Dispatch or Swift concurrency: libpg_query and our tree code recurse in C for deeply
/// nested statements, so the threads need far more stack than a pool thread has; and the jobs
/// are CPU-bound, so one thread per core with a shared cursor is all the scheduling needed.
package enum ParallelRunner {
  /// Stack for worker threads: enough for PostgreSQL's parser on statements nested thousands of
  /// levels deep. It is address space, not memory, until touched.
  static let workerStackSize = 512 << 20

  /// `body(0) … body(count - 1)` on up to `workers` threads; results in index order.
  package static func map<T: Sendable>(count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    map(count: count, workers: workers, batch: nil, makeWorker: { () }, { _, index in body(index) }, finish: { _ in })
  }

  /// The same with per-thread state (e.g. a database connection): `makeWorker` runs once on each
  /// thread before its first job, `finish` after its last. `batch` 1 hands out one job at a
  /// time (for jobs that each take long, like database round trips).
  package static func map<T: Sendable, Worker>(
    count: Int, workers: Int, batch fixedBatch: Int?, makeWorker: @escaping @Sendable () -> Worker,
    _ body: @escaping @Sendable (inout Worker, Int) -> T, finish: @escaping @Sendable (inout Worker) -> Void
  ) -> [T] {
    guard count > 0 else { return [] }
    let state = SharedState<T>(count: count)
    let threads = max(1, min(workers, count))
    let group = DispatchGroup()
    // Small batches keep both cores busy to the end without contending on the cursor.
    let batch = fixedBatch ?? max(1, min(64, count / (threads * 8)))
    for _ in 0..<threads {
      group.enter()
      let thread = Thread {
        var worker = makeWorker()
        while true {
          let start = state.cursor.add(batch, ordering: .relaxed).oldValue
          if start >= count { break }
          for index in start..<min(start + batch, count) {
            state.results[index] = body(&worker, index)
          }
        }
        finish(&worker)
        group.leave()
      }
      thread.stackSize = workerStackSize
      thread.start()
    }
    group.wait()
    return state.collect()
  }

  private final class SharedState<T>: @unchecked Sendable {
    let cursor = Atomic<Int>(0)
    /// Each index is written by exactly one thread, and read only after every thread is done.
    let results: UnsafeMutablePointer<T?>
    let count: Int
    private var collected = false

    init(count: Int) {
      self.count = count
      results = .allocate(capacity: count)
      results.initialize(repeating: nil, count: count)
    }

    /// Moves the results out, once: copying them (a statement's analysis holds a dozen
    /// references) cost a retain and a release per reference, on the one thread that waits.
    func collect() -> [T] {
      precondition(!collected, "results collected twice")
      collected = true
      return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        for index in 0..<count {
          guard let value = (results + index).move() else { preconditionFailure("job \(index) left no result") }
          (buffer.baseAddress! + index).initialize(to: value)
          initialized = index + 1
        }
      }
    }

    deinit {
      if !collected { results.deinitialize(count: count) }
      results.deallocate()
    }
  }
}
