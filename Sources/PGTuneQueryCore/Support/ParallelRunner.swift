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
    let threads = max(1, min(workers, count))
    // Small batches keep both cores busy to the end without contending on the cursor.
    let batch = fixedBatch ?? max(1, min(64, count / (threads * 8)))
    // Each job writes its result straight into the array being made: collecting them from a
    // side buffer afterwards moved 48,000 statement analyses on the one thread that waits.
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      let results = Slots(base: buffer.baseAddress!)
      let cursor = Cursor()
      let group = DispatchGroup()
      for _ in 0..<threads {
        group.enter()
        WorkerThreads.shared.run {
          var worker = makeWorker()
          while true {
            let start = cursor.next.add(batch, ordering: .relaxed).oldValue
            if start >= count { break }
            for index in start..<min(start + batch, count) {
              (results.base + index).initialize(to: body(&worker, index))
            }
          }
          finish(&worker)
          group.leave()
        }
      }
      group.wait()
      initialized = count
    }
  }

  /// Where the jobs write their results: each slot by exactly one thread, and read only after
  /// every thread is done (`group.wait()`).
  private struct Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
  }

  /// The index of the next job to hand out, shared by the workers of one call.
  private final class Cursor: Sendable {
    let next = Atomic<Int>(0)
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
}
