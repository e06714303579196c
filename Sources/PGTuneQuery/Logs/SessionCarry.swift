/// What each session of a log is waiting for at a point of it: a `log_statement` line for its
/// `log_duration` line, an error (or temporary file, or lock wait) for its `STATEMENT` line.
struct SessionState: Sendable {
  var waiting: [String: String] = [:]
  var pending: [String: LogAggregator.PendingStatement] = [:]

  /// The state after `part`, read from this state: the sessions the part touched as it left
  /// them, the others as they were.
  mutating func advance(over part: SessionState, touched: SessionCarry) {
    for pid in touched.knownWaiting { waiting[pid] = part.waiting[pid] }
    for pid in touched.knownPending { pending[pid] = part.pending[pid] }
  }
}

/// The sessions a part of a log touched, and the lines of sessions it first met waiting for
/// something from the earlier part (resolved in order by the stitch).
struct SessionCarry: Sendable {
  var knownWaiting: Set<String> = []
  var knownPending: Set<String> = []
  var heads: [LogEvent] = []

  /// Whether this `STATEMENT` line is its session's first need of a pending error in the part.
  mutating func firstPending(of event: LogEvent) -> Bool {
    guard knownPending.insert(event.pid ?? "").inserted else { return false }
    heads.append(event)
    return true
  }

  /// Whether this `log_duration` line is its session's first need of a statement in the part.
  mutating func firstWaiting(of event: LogEvent) -> Bool {
    guard knownWaiting.insert(event.pid ?? "").inserted else { return false }
    heads.append(event)
    return true
  }
}
