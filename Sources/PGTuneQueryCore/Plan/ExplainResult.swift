import Foundation

/// One entry of `EXPLAIN (FORMAT JSON)` output: the plan and what EXPLAIN reports beside it.
public struct ExplainResult: Sendable, Equatable {
  public let plan: PlanNode
  public let planningTime: Double?
  public let executionTime: Double?
  public let settings: [String: String]?
  public let jit: JITInfo?
  public let triggers: [TriggerInfo]?

  /// The plan as the server printed it (re-encoded with sorted keys), for JSON output.
  public internal(set) var planJSON: String = "null"

  public struct JITInfo: Sendable, Equatable {
    public let functions: Int?
    public let timing: Timing?

    public struct Timing: Sendable, Equatable {
      public let generation: Double?
      public let inlining: Double?
      public let optimization: Double?
      public let emission: Double?
      public let total: Double?
    }
  }

  public struct TriggerInfo: Sendable, Equatable {
    public let name: String?
    public let relation: String?
    public let time: Double?
    public let calls: Double?
  }

  /// One entry of EXPLAIN's top-level array: `{"Plan": …, "Planning Time": …, …}`.
  package init(entry: JSONValue) throws(PlanFormatError) {
    guard let planValue = entry["Plan"] else {
      throw PlanFormatError(message: "missing \"Plan\"")
    }
    plan = try PlanNode(json: planValue)
    planJSON = planValue.serialized(sortedKeys: true)
    planningTime = entry["Planning Time"]?.number
    executionTime = entry["Execution Time"]?.number
    if case .object(let members) = entry["Settings"] {
      settings = Dictionary(members.compactMap { member in member.value.string.map { (member.key, $0) } }) { $1 }
    } else {
      settings = nil
    }
    jit = entry["JIT"].map { value in
      let timing = value["Timing"].map { timing in
        JITInfo.Timing(
          generation: timing["Generation"]?.number, inlining: timing["Inlining"]?.number,
          optimization: timing["Optimization"]?.number, emission: timing["Emission"]?.number,
          total: timing["Total"]?.number)
      }
      return JITInfo(functions: value["Functions"]?.number.flatMap { Int(exactly: $0) }, timing: timing)
    }
    triggers = entry["Triggers"]?.array?.map { trigger in
      TriggerInfo(
        name: trigger["Trigger Name"]?.string, relation: trigger["Relation"]?.string,
        time: trigger["Time"]?.number, calls: trigger["Calls"]?.number)
    }
  }

  /// A plan kept by the analysis cache: the plan JSON as `planJSON` holds it, read in one
  /// pass (parseAll's tolerance of psql output is for files from users).
  package static func restored(planJSON: String, planningTime: Double?, executionTime: Double?) -> ExplainResult? {
    guard let json = try? JSONValue.parse(planJSON), let plan = try? PlanNode(json: json) else { return nil }
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
      let object: JSONValue
      do {
        object = try JSONValue.parse(document)
      } catch {
        throw PlanFormatError(message: "not valid JSON (expected the output of EXPLAIN (FORMAT JSON)): \(error)")
      }
      for entry in object.array ?? [object] {
        guard entry["Plan"] != nil else {
          throw PlanFormatError(message: "JSON without a \"Plan\" key (expected the output of EXPLAIN (FORMAT JSON))")
        }
        do {
          results.append(try ExplainResult(entry: entry))
        } catch {
          throw PlanFormatError(message: "unexpected EXPLAIN JSON: \(error.message)")
        }
      }
    }
    if results.isEmpty { throw PlanFormatError(message: "no plan found (expected the output of EXPLAIN (FORMAT JSON))") }
    return results
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
