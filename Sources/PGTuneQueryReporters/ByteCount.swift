import Foundation

/// Sizes for people: `512 B`, `1.5 KiB`, `719.5 MiB`.
enum ByteCount {
  static func format(_ count: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(count)
    var unit = 0
    while value >= 1_024 && unit < units.count - 1 {
      value /= 1_024
      unit += 1
    }
    return unit == 0 ? "\(count) B" : String(format: "%.1f ", value) + units[unit]
  }
}
