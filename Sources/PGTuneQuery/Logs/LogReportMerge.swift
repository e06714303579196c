/// Merges the reports of several inputs (or several workers): every aggregate is mergeable.
public enum LogReportMerge {
  public static func merge(_ left: LogReport, _ right: LogReport) -> LogReport {
    var result = left
    for (key, query) in right.queries {
      guard var existing = result.queries[key] else {
        result.queries[key] = query
        continue
      }
      existing.calls += query.calls
      existing.totalMilliseconds += query.totalMilliseconds
      existing.minMilliseconds = min(existing.minMilliseconds, query.minMilliseconds)
      existing.maxMilliseconds = max(existing.maxMilliseconds, query.maxMilliseconds)
      existing.histogram.merge(query.histogram)
      existing.errors += query.errors
      existing.plans.merge(query.plans)
      existing.tempFiles += query.tempFiles
      existing.tempBytes += query.tempBytes
      existing.lockWaits += query.lockWaits
      existing.lockWaitMilliseconds += query.lockWaitMilliseconds
      for (hour, tally) in query.hours { existing.hours[hour, default: Tally()].add(tally) }
      existing.samples = Array((existing.samples + query.samples).sorted { $0.milliseconds > $1.milliseconds }.prefix(LogAggregator.samplesKept))
      result.queries[key] = existing
    }
    for (key, error) in right.errors {
      guard var existing = result.errors[key] else {
        result.errors[key] = error
        continue
      }
      existing.count += error.count
      // The first statement seen stays, as when one input is read alone.
      if existing.statement == nil { existing.statement = error.statement }
      result.errors[key] = existing
    }
    for (minute, value) in right.perMinute {
      let previous = result.perMinute[minute] ?? (0, 0)
      result.perMinute[minute] = (previous.count + value.count, previous.milliseconds + value.milliseconds)
    }
    result.totalQueries += right.totalQueries
    result.totalErrors += right.totalErrors
    result.totalMilliseconds += right.totalMilliseconds
    for (name, tally) in right.byDatabase { result.byDatabase[name, default: Tally()].add(tally) }
    for (name, tally) in right.byUser { result.byUser[name, default: Tally()].add(tally) }
    for (name, tally) in right.byApplication { result.byApplication[name, default: Tally()].add(tally) }
    result.linesRead += right.linesRead
    result.plansRead += right.plansRead
    result.tempFiles += right.tempFiles
    result.tempBytes += right.tempBytes
    result.lockWaits += right.lockWaits
    result.lockWaitMilliseconds += right.lockWaitMilliseconds
    result.unreadablePlans += right.unreadablePlans
    result.otherQueries.add(right.otherQueries)
    result.otherQueryCount += right.otherQueryCount
    result.activity.merge(right.activity)
    if let first = right.first, result.first.map({ first < $0 }) ?? true { result.first = first }
    if let last = right.last, result.last.map({ last > $0 }) ?? true { result.last = last }
    return result
  }
}
