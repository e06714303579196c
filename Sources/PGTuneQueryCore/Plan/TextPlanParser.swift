import Foundation

/// Reads EXPLAIN's text format (as auto_explain logs it by default) into the same `ExplainResult`
/// the JSON format gives, so the plan rules run on either. Each node line becomes a node (type,
/// relation, index, costs, actual figures); the indented `Key: value` lines under it become its
/// properties (filters, rows removed, sort method and spill, hash batches…).
public enum TextPlanParser {
  public static func parse(_ text: String) -> ExplainResult? {
    parse(lines: text.lineFeedSeparated(omittingEmptySubsequences: true))
  }

  /// The plan in these lines (empty ones are passed over): for a caller that already cut its
  /// text into lines (an auto_explain message), so that it is not joined and cut again.
  package static func parse(lines: some Sequence<Substring>) -> ExplainResult? {
    var stack: [(column: Int, node: TextNode)] = []
    var root: TextNode?
    var depth = 0
    for rawLine in lines where !rawLine.isEmpty {
      let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
      let indent = line.prefix { $0 == " " }.count
      var content = line.dropFirst(indent)
      var isChild = false
      if content.hasPrefix("->  ") {
        content = content.dropFirst(4)
        isChild = true
      }
      if let fields = node(from: content) {
        let node = TextNode(fields)
        let column = indent + (isChild ? 4 : 0)
        if root == nil {
          root = node
        } else {
          while let top = stack.last, top.column >= column { stack.removeLast() }
          guard let parent = stack.last?.node else { continue }
          parent.children.append(node)
        }
        stack.append((column, node))
        depth = max(depth, stack.count)
      } else if let current = stack.last?.node {
        addProperty(content, to: &current.fields)
      }
    }
    guard let root, depth <= JSONValue.maximumDepth / 2, let plan = try? PlanNode(json: root.json) else { return nil }
    return ExplainResult(plan: plan, planJSON: root.json.serialized(sortedKeys: true))
  }

  /// `Seq Scan on orders o  (cost=0.00..35.50 rows=2550 width=4) (actual time=… rows=… loops=…)`
  package static func node(from line: Substring) -> NodeFields? {
    guard let costRange = line.firstASCIIRange(of: "  (cost=") else { return nil }
    let header = String(line[..<costRange.lowerBound])
    let figures = line[costRange.upperBound...]
    var node = NodeFields()
    guard let costs = numbers(after: "", in: figures, count: 2, separator: ".."),
      let rows = number(after: "rows=", in: figures)
    else { return nil }
    node["Startup Cost"] = JSONValue(costs[0])
    node["Total Cost"] = JSONValue(costs[1])
    node["Plan Rows"] = JSONValue(rows)
    if let width = number(after: "width=", in: figures) { node["Plan Width"] = JSONValue(width) }
    if let actual = figures.firstASCIIRange(of: "(actual ") {
      let tail = figures[actual.upperBound...]
      if let times = numbers(after: "time=", in: tail, count: 2, separator: "..") {
        node["Actual Startup Time"] = JSONValue(times[0])
        node["Actual Total Time"] = JSONValue(times[1])
      }
      if let actualRows = number(after: "rows=", in: tail) { node["Actual Rows"] = JSONValue(actualRows) }
      if let loops = number(after: "loops=", in: tail) { node["Actual Loops"] = JSONValue(loops) }
    } else if figures.contains("(never executed)") {
      node["Actual Rows"] = JSONValue(0.0)
      node["Actual Loops"] = JSONValue(0.0)
    }
    describe(header, into: &node)
    return node
  }

  /// Node type, relation, alias and index from the part before the costs.
  static func describe(_ header: String, into node: inout NodeFields) {
    var words = header.split(separator: " ").map(String.init)
    if words.first == "Parallel" {
      node["Parallel Aware"] = JSONValue(true)
      words.removeFirst()
    }
    if let mode = words.first, mode == "Partial" || mode == "Finalize" {
      node["Partial Mode"] = JSONValue(mode)
      words.removeFirst()
    }
    var typeWords: [String] = []
    while let word = words.first, word != "on", word != "using" {
      typeWords.append(word)
      words.removeFirst()
    }
    var type = typeWords.joined(separator: " ")
    if type.hasSuffix(" Join") || type == "Nested Loop" || type.hasPrefix("Nested Loop ") {
      for joinType in ["Left", "Right", "Full", "Semi", "Anti"] where typeWords.contains(joinType) {
        node["Join Type"] = JSONValue(joinType)
        type = typeWords.filter { $0 != joinType }.joined(separator: " ")
        if type == "Nested Loop Join" { type = "Nested Loop" }
      }
      if node["Join Type"] == nil { node["Join Type"] = JSONValue("Inner") }
    }
    switch type {
    case "HashAggregate": (type, node["Strategy"]) = ("Aggregate", .string("Hashed"))
    case "GroupAggregate": (type, node["Strategy"]) = ("Aggregate", .string("Sorted"))
    case "MixedAggregate": (type, node["Strategy"]) = ("Aggregate", .string("Mixed"))
    case "Aggregate": node["Strategy"] = JSONValue("Plain")
    default: break
    }
    node["Node Type"] = JSONValue(type)
    if node["Parallel Aware"] == nil { node["Parallel Aware"] = JSONValue(false) }
    // `using <index> on <relation> [alias]` or `on <relation> [alias]`.
    var rest = words[...]
    if rest.first == "using", rest.count >= 2 {
      node["Index Name"] = JSONValue(rest[rest.startIndex + 1])
      rest = rest.dropFirst(2)
    }
    if rest.first == "on", rest.count >= 2 {
      let target = rest[rest.startIndex + 1]
      if type == "Bitmap Index Scan" {
        node["Index Name"] = JSONValue(target)
      } else if type == "CTE Scan" {
        node["CTE Name"] = JSONValue(target)
      } else if type == "Function Scan" {
        node["Function Name"] = JSONValue(target)
      } else if type != "Subquery Scan" {
        let parts = target.split(separator: ".", maxSplits: 1).map(String.init)
        node["Relation Name"] = parts.last.map(JSONValue.string)
        if parts.count == 2 { node["Schema"] = JSONValue(parts[0]) }
      }
      if rest.count >= 3 { node["Alias"] = JSONValue(rest[rest.startIndex + 2]) } else { node["Alias"] = JSONValue(target) }
    }
  }

  /// A node while the tree is built: its fields, and its children in order.
  final class TextNode {
    var fields: NodeFields
    var children: [TextNode] = []

    init(_ fields: NodeFields) { self.fields = fields }

    var json: JSONValue {
      var members = fields.values.map { (key: $0.key, value: $0.value) }
      if !children.isEmpty { members.append((key: "Plans", value: .array(children.map(\.json)))) }
      return .object(members)
    }
  }

  /// The JSON keys of one node, as EXPLAIN's JSON format would name them.
  package struct NodeFields {
    fileprivate(set) var values: [String: JSONValue] = [:]

    subscript(key: String) -> JSONValue? {
      get { values[key] }
      set { values[key] = newValue }
    }
  }

  static func addProperty(_ line: Substring, to node: inout NodeFields) {
    guard let colon = line.firstASCIIRange(of: ": ") else { return }
    let key = String(line[..<colon.lowerBound])
    let value = String(line[colon.upperBound...])
    switch key {
    case "Filter", "Join Filter", "Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond":
      node[key] = JSONValue(value)
    case "Rows Removed by Filter", "Rows Removed by Join Filter", "Rows Removed by Index Recheck", "Heap Fetches":
      node[key] = JSONValue(Double(value))
    case "Sort Key", "Group Key":
      node[key] = JSONValue(value.components(separatedBy: ", "))
    case "Workers Planned", "Workers Launched":
      node[key] = JSONValue(Int(value))
    case "Sort Method":
      // `external merge  Disk: 1234kB` / `quicksort  Memory: 25kB`
      let parts = value.components(separatedBy: "  ")
      node["Sort Method"] = JSONValue(parts[0])
      if parts.count > 1 {
        let space = parts[1].split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
        if space.count == 2 {
          node["Sort Space Type"] = JSONValue(space[0])
          node["Sort Space Used"] = JSONValue(Double(space[1].replacingOccurrences(of: "kB", with: "")))
        }
      }
    case "Buckets":
      // `Buckets: 1024  Batches: 4 (originally 1)  Memory Usage: 4096kB`
      let parts = value.components(separatedBy: "  ")
      node["Hash Buckets"] = JSONValue(Double(parts[0].split(separator: " ").first ?? ""))
      for part in parts.dropFirst() {
        if part.hasPrefix("Batches: ") {
          let batches = part.dropFirst("Batches: ".count)
          node["Hash Batches"] = JSONValue(Double(batches.split(separator: " ").first ?? ""))
          if let original = batches.range(of: "(originally ") {
            node["Original Hash Batches"] = JSONValue(Double(batches[original.upperBound...].prefix { $0.isNumber }))
          }
        } else if part.hasPrefix("Memory Usage: ") {
          node["Peak Memory Usage"] = JSONValue(Double(part.dropFirst("Memory Usage: ".count).prefix { $0.isNumber }))
        }
      }
    default:
      break
    }
  }

  private static func number(after label: StaticString, in text: Substring) -> Double? {
    guard let range = text.firstASCIIRange(of: label) else { return nil }
    let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "+" }
    return Double(digits)
  }

  private static func numbers(after label: StaticString, in text: Substring, count: Int, separator: String) -> [Double]? {
    let start = label.utf8CodeUnitCount == 0 ? text.startIndex : text.firstASCIIRange(of: label)?.upperBound
    guard let start else { return nil }
    let field = text[start...].prefix { $0 != " " && $0 != ")" }
    let values = field.components(separatedBy: separator).compactMap(Double.init)
    return values.count == count ? values : nil
  }
}

extension JSONValue {
  /// Field values of the text parser; nil (a number that did not parse) stays absent.
  fileprivate init?(_ value: Double?) {
    guard let value else { return nil }
    self = .number(value)
  }
  fileprivate init?(_ value: Int?) { self.init(value.map(Double.init)) }
  fileprivate init(_ value: String) { self = .string(value) }
  fileprivate init(_ value: Bool) { self = .bool(value) }
  fileprivate init(_ value: [String]) { self = .array(value.map(JSONValue.string)) }
}
