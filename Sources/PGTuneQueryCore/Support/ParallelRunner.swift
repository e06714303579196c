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
      WorkerThreads.shared.run {
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
    }
    group.wait()
    return state.collect()
  }

  /// Threads with the big stack, kept once made: making one per call (mapping and unmapping its
  /// stack, faulting in fresh pages) was a fifth of the time of analyzing a small file. An idle
  /// thread takes the next job; when none is idle (the first call, or a call from inside a job)
  /// a new one is made, so nested calls never wait for each other.
  private final class WorkerThreads: Sendable {
    static let shared = WorkerThreads()
    private let idle = Mutex<[Worker]>([])

    func run(_ job: @escaping @Sendable () -> Void) {
      let worker = idle.withLock { $0.popLast() } ?? Worker(pool: self)
      worker.start(job)
    }

    fileprivate func finished(_ worker: Worker) {
      idle.withLock { $0.append(worker) }
    }
  }

  private final class Worker: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    /// Set before `wake` is signalled, taken after it is waited on; behind a lock as well, so that
    /// ThreadSanitizer sees the order the semaphore gives.
    private let job = Mutex<(@Sendable () -> Void)?>(nil)

    init(pool: WorkerThreads) {
      let thread = Thread { [self] in
        while true {
          wake.wait()
          let current = job.withLock { job in
            defer { job = nil }
            return job
          }
          current?()
          pool.finished(self)
        }
      }
      thread.stackSize = ParallelRunner.workerStackSize
      thread.start()
    }

    func start(_ job: @escaping @Sendable () -> Void) {
      self.job.withLock { $0 = job }
      wake.signal()
    }
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
