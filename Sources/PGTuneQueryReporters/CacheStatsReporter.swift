import Foundation
import PGTuneQuery

/// `cache stats` as a table or JSON:
/// `{"schema_version":1,"tiers":[{"tier","location","available","entries","bytes","hits","misses",
/// "hit_ratio","writes","errors","evictions","mean_latency_us"}]}`.
public enum CacheStatsReporter {
  public static func renderText(_ tiers: [TierReport]) -> String {
    let header = ["TIER", "LOCATION", "ENTRIES", "BYTES", "HITS", "MISSES", "HIT %", "WRITES", "ERRORS", "EVICTED", "MEAN µs"]
    var rows = [header]
    for tier in tiers {
      rows.append([
        tier.kind, tier.available ? tier.location : tier.location + " (unavailable)",
        tier.usage?.entries.map(String.init) ?? "-", tier.usage?.bytes.map { ByteCount.format(Int64($0)) } ?? "-", String(tier.counters.hits),
        String(tier.counters.misses), tier.hitRatio.map { String(format: "%.1f", $0 * 100) } ?? "-",
        String(tier.counters.writes), String(tier.counters.errors), String(tier.counters.evictions),
        String(format: "%.1f", tier.counters.meanLatencyMicroseconds),
      ])
    }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }

  public static func renderJSON(_ tiers: [TierReport]) -> String {
    var json = JSONWriter()
    json.beginObject()
    json.field("schema_version", 1)
    json.key("tiers")
    json.beginArray()
    for tier in tiers {
      json.beginObject()
      json.field("tier", tier.kind)
      json.field("location", tier.location)
      json.field("available", tier.available)
      json.field("entries", tier.usage?.entries)
      json.field("bytes", tier.usage?.bytes)
      json.field("hits", tier.counters.hits)
      json.field("misses", tier.counters.misses)
      json.field("hit_ratio", tier.hitRatio)
      json.field("writes", tier.counters.writes)
      json.field("errors", tier.counters.errors)
      json.field("evictions", tier.counters.evictions)
      json.field("mean_latency_us", tier.counters.meanLatencyMicroseconds)
      json.endObject()
    }
    json.endArray()
    json.endObject()
    json.endDocument()
    return json.string
  }
}

extension CacheStatsReporter {
  static let formats: [OutputFormat<[TierReport]>] = [
    OutputFormat(name: "text", summary: "a table per tier") { renderText($0) },
    OutputFormat(name: "json", summary: "JSON") { renderJSON($0) },
  ]
}
