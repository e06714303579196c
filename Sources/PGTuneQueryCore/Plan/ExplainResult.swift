import Foundation

/// One entry of `EXPLAIN (FORMAT JSON)` output: the plan and what EXPLAIN reports beside it.
public struct ExplainResult: Decodable, Sendable, Equatable {
  public let plan: PlanNode
  public let planningTime: Double?
  public let executionTime: Double?
  public let settings: [String: String]?
  public let jit: JITInfo?
  public let triggers: [TriggerInfo]?

  /// The plan as the server printed it (re-encoded), for JSON output.
  public internal(set) var planJSON: String = "null"

  enum CodingKeys: String, CodingKey {
    case plan = "Plan"
    case planningTime = "Planning Time"
    case executionTime = "Execution Time"
    case settings = "Settings"
    case jit = "JIT"
    case triggers = "Triggers"
  }

  public struct JITInfo: Decodable, Sendable, Equatable {
    public let functions: Int?
    public let timing: Timing?

    public struct Timing: Decodable, Sendable, Equatable {
      public let generation: Double?
      public let inlining: Double?
      public let optimization: Double?
      public let emission: Double?
      public let total: Double?

      enum CodingKeys: String, CodingKey {
        case generation = "Generation", inlining = "Inlining", optimization = "Optimization"
        case emission = "Emission", total = "Total"
      }
    }

    enum CodingKeys: String, CodingKey {
      case functions = "Functions"
      case timing = "Timing"
    }
  }

  public struct TriggerInfo: Decodable, Sendable, Equatable {
    public let name: String?
    public let relation: String?
    public let time: Double?
    public let calls: Double?

    enum CodingKeys: String, CodingKey {
      case name = "Trigger Name", relation = "Relation", time = "Time", calls = "Calls"
    }
  }

  /// A plan kept by the analysis cache: the plan JSON as `planJSON` holds it, decoded in one
  /// pass (parseAll's tolerance of psql output and re-encoding is for files from users).
  package static func restored(planJSON: String, planningTime: Double?, executionTime: Double?) -> ExplainResult? {
    guard let plan = try? JSONDecoder().decode(PlanNode.self, from: Data(planJSON.utf8)) else { return nil }
    var result = ExplainResult(plan: plan, planningTime: planningTime, executionTime: executionTime)
    result.planJSON = planJSON
    return result
  }

  /// A plan decoded elsewhere (auto_explain's JSON entry, the text-format parser), with the
  /// JSON to show for it.
  package init(plan: PlanNode, planJSON: String) {
    self.init(plan: plan, planningTime: nil, executionTime: nil)
    self.planJSON = planJSON
  }

  private init(plan: PlanNode, planningTime: Double?, executionTime: Double?) {
    self.plan = plan
    self.planningTime = planningTime
    self.executionTime = executionTime
    settings = nil
    jit = nil
    triggers = nil
  }

  public static func == (lhs: ExplainResult, rhs: ExplainResult) -> Bool {
    lhs.plan == rhs.plan && lhs.planningTime == rhs.planningTime && lhs.executionTime == rhs.executionTime
  }
}

/// A plan file that is not EXPLAIN JSON.
public struct PlanFormatError: Error, LocalizedError, Sendable, Equatable {
  public let message: String
  public var errorDescription: String? { message }
  package init(message: String) { self.message = message }
}

extension ExplainResult {
  /// Reads EXPLAIN JSON as psql prints it: `[{"Plan": …}]`, several such arrays or objects one
  /// after the other, or psql's aligned output with a `QUERY PLAN` header and `+` continuations.
  public static func parseAll(_ text: String) throws(PlanFormatError) -> [ExplainResult] {
    let json = stripPsqlDecoration(text)
    var results: [ExplainResult] = []
    for document in splitDocuments(json) {
      guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) else {
        throw PlanFormatError(message: "not valid JSON (expected the output of EXPLAIN (FORMAT JSON))")
      }
      let entries: [Any] = (object as? [Any]) ?? [object]
      for entry in entries {
        guard let dictionary = entry as? [String: Any], let plan = dictionary["Plan"] else {
          throw PlanFormatError(message: "JSON without a \"Plan\" key (expected the output of EXPLAIN (FORMAT JSON))")
        }
        do {
          let data = try JSONSerialization.data(withJSONObject: dictionary)
          var result = try JSONDecoder().decode(ExplainResult.self, from: data)
          result.planJSON = String(
            decoding: try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys]), as: UTF8.self)
          results.append(result)
        } catch {
          throw PlanFormatError(message: "unexpected EXPLAIN JSON: \(describe(error))")
        }
      }
    }
    if results.isEmpty { throw PlanFormatError(message: "no plan found (expected the output of EXPLAIN (FORMAT JSON))") }
    return results
  }

  private static func describe(_ error: any Error) -> String {
    if case DecodingError.keyNotFound(let key, _) = error { return "missing \"\(key.stringValue)\"" }
    if case DecodingError.typeMismatch(_, let context) = error {
      return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
    }
    return "\(error)"
  }

  /// psql's default aligned output wraps the JSON in a header, `+` line continuations and a row
  /// count; remove those so a plan copied from a terminal still reads.
  static func stripPsqlDecoration(_ text: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "QUERY PLAN" }) else { return text }
    return lines.compactMap { line -> String? in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed == "QUERY PLAN" || trimmed.allSatisfy({ $0 == "-" || $0 == "+" }) || trimmed.hasPrefix("(") {
        return nil
      }
      var content = String(line)
      if content.hasSuffix("+") { content.removeLast() }
      return content
    }.joined(separator: "\n")
  }

  /// Top-level JSON values one after the other (brackets counted outside strings).
  static func splitDocuments(_ text: String) -> [String] {
    var documents: [String] = []
    var depth = 0
    var inString = false
    var escaped = false
    var current = ""
    for character in text {
      if depth == 0 && !(character == "[" || character == "{") { continue }
      current.append(character)
      if inString {
        if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
        continue
      }
      switch character {
      case "\"": inString = true
      case "[", "{": depth += 1
      case "]", "}":
        depth -= 1
        if depth == 0 {
          documents.append(current)
          current = ""
        }
      default: break
      }
    }
    return documents
  }
}
