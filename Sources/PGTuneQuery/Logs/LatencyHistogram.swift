import Foundation

/// A mergeable latency histogram with ~2 % relative precision: logarithmic buckets from 1 µs,
/// so p50/p95/p99 need memory bounded by the range of durations, not by the number of calls.
public struct LatencyHistogram: Sendable, Equatable {
  static let base = 1.02
  static let smallest = 0.001
  var counts: [Int: Int] = [:]
  public internal(set) var total = 0

  public init() {}

  public mutating func record(_ milliseconds: Double) {
    // A duration too large to be real (a damaged line: 400 digits read as infinity) goes to the
    // top bucket rather than trapping on the integer conversion.
    let scaled = milliseconds.isFinite ? log(milliseconds / Self.smallest) / log(Self.base) : 10_000
    let bucket = milliseconds <= Self.smallest ? 0 : Int(min(scaled, 10_000)) + 1
    counts[bucket, default: 0] += 1
    total += 1
  }

  public mutating func merge(_ other: LatencyHistogram) {
    for (bucket, count) in other.counts { counts[bucket, default: 0] += count }
    total += other.total
  }

  /// Counts by decade for people (`≤ 0.1 ms`, `≤ 1 ms` … `≤ 10 s`, then `> 10 s`): each bucket
  /// goes to the first bound at or above its lower edge.
  public var decades: [(upperMilliseconds: Double?, count: Int)] {
    let bounds: [Double] = [0.1, 1, 10, 100, 1_000, 10_000]
    var counted = [Int](repeating: 0, count: bounds.count + 1)
    for (bucket, count) in counts {
      let low = bucket == 0 ? 0 : Self.smallest * pow(Self.base, Double(bucket - 1))
      counted[bounds.firstIndex { low < $0 } ?? bounds.count] += count
    }
    return bounds.enumerated().map { (Optional($0.element), counted[$0.offset]) } + [(nil, counted[bounds.count])]
  }

  /// The value below which `fraction` of the recorded durations fall (bucket midpoint).
  public func percentile(_ fraction: Double) -> Double {
    guard total > 0 else { return 0 }
    let rank = max(1, Int((fraction * Double(total)).rounded(.up)))
    var seen = 0
    for bucket in counts.keys.sorted() {
      seen += counts[bucket] ?? 0
      if seen >= rank {
        if bucket == 0 { return Self.smallest }
        let low = Self.smallest * pow(Self.base, Double(bucket - 1))
        return low * (1 + Self.base) / 2
      }
    }
    return 0
  }
}
