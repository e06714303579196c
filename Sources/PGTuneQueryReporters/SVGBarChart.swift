import Foundation

/// A bar chart as inline SVG: a y axis with four gridlines and their values, x labels (thinned
/// to fit), a value over each bar when there are few, and a hover title on every bar. It scales
/// to the width of the page (`viewBox`, `width="100%"`), so it reads on a phone and on paper.
struct SVGBarChart {
  let id: String
  let values: [Double]
  let labels: [String]
  /// `bar` (blue) or `bar2` (orange).
  let cssClass: String
  /// How a value reads on the axis and in titles (`12.5 ms`, `340`).
  let format: (Double) -> String
  var height = 220.0

  var svg: String {
    let width = 960.0
    let (left, right, top, bottom) = (64.0, 12.0, 16.0, 46.0)
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    let maximum = niceMaximum(values.max() ?? 0)
    var text = "<svg id=\"\(id)\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\">"
    // Gridlines and the y axis values.
    for step in 0...4 {
      let value = maximum * Double(step) / 4
      let y = top + plotHeight - plotHeight * Double(step) / 4
      text += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - right))\" y2=\"\(f(y))\"/>"
      text += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(step == 0 ? "0" : LogReportReporter.escape(format(value)))</text>"
    }
    guard !values.isEmpty else { return text + "</svg>" }
    let slot = plotWidth / Double(values.count)
    let barWidth = max(1, slot * 0.8)
    let labelEvery = max(1, Int((Double(values.count) / (plotWidth / 70)).rounded(.up)))
    for (index, value) in values.enumerated() {
      let barHeight = maximum > 0 ? max(value > 0 ? 1 : 0, plotHeight * value / maximum) : 0
      let x = left + slot * Double(index) + (slot - barWidth) / 2
      let label = index < labels.count ? labels[index] : ""
      text += "<rect class=\"\(cssClass)\" x=\"\(f(x))\" y=\"\(f(top + plotHeight - barHeight))\" width=\"\(f(barWidth))\" height=\"\(f(barHeight))\">"
      text += "<title>\(LogReportReporter.escape(label)): \(LogReportReporter.escape(format(value)))</title></rect>"
      if values.count <= 24, value > 0 {
        text += "<text class=\"value\" x=\"\(f(x + barWidth / 2))\" y=\"\(f(top + plotHeight - barHeight - 3))\" text-anchor=\"middle\">\(LogReportReporter.escape(format(value)))</text>"
      }
      if index % labelEvery == 0 {
        text += "<text class=\"axis\" x=\"\(f(x + barWidth / 2))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\">\(LogReportReporter.escape(label))</text>"
      }
    }
    text += "<line class=\"axisline\" x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + plotHeight))\"/>"
    return text + "</svg>"
  }

  /// 1, 2 or 5 times a power of ten, at or above `value`: gridlines at round numbers.
  func niceMaximum(_ value: Double) -> Double {
    guard value > 0, value.isFinite else { return 1 }
    let power = pow(10, floor(log10(value)))
    for factor in [1.0, 2, 5, 10] where factor * power >= value { return factor * power }
    return 10 * power
  }

  private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
