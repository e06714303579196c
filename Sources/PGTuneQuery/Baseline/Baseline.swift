import Foundation

/// The committed record of how each statement was planned, that `check` compares against.
/// Written as pretty JSON with sorted keys and relative paths, so that two runs on the same
/// schema produce byte-identical files and diffs in review show exactly what changed.
public struct Baseline: Codable, Sendable, Equatable {
  public static let currentSchemaVersion = 1

  public var schemaVersion: Int
  public var toolVersion: String
  /// `server_version_num` of the database the plans came from (e.g. 150004).
  public var serverVersion: Int
  /// Entries by key: the statement's `-- name:` if it has one, else its fingerprint.
  public var entries: [String: Entry]

  public struct Entry: Codable, Sendable, Equatable {
    public var name: String?
    public var file: String
    public var fingerprint: String?
    public var totalCost: Double
    public var planRows: Double
    /// Node types in pre-order with their relations and indexes: equal shapes, equal plans.
    public var planShape: String
    public var indexesUsed: [String]
    /// For each relation, the node types that read it (`Seq Scan`, `Index Scan`…).
    public var nodeTypesByRelation: [String: [String]]
    public var joinTypes: [String]
    public var sortCount: Int

    enum CodingKeys: String, CodingKey {
      case name, file, fingerprint
      case totalCost = "total_cost"
      case planRows = "plan_rows"
      case planShape = "plan_shape"
      case indexesUsed = "indexes_used"
      case nodeTypesByRelation = "node_types_by_relation"
      case joinTypes = "join_types"
      case sortCount = "sort_count"
    }
  }

  enum CodingKeys: String, CodingKey {
    case schemaVersion = "schema_version"
    case toolVersion = "tool_version"
    case serverVersion = "server_version"
    case entries
  }

  public init(serverVersion: Int, entries: [String: Entry]) {
    schemaVersion = Self.currentSchemaVersion
    toolVersion = PGTuneQueryVersion.current
    self.serverVersion = serverVersion
    self.entries = entries
  }

  /// The file's bytes: pretty, sorted keys, costs rounded to hundredths (as EXPLAIN prints them).
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var data = try encoder.encode(self)
    data.append(0x0A)
    return data
  }

  /// Reads a baseline, with errors that say what is wrong and where (a JSON path).
  public static func load(path: String) throws(BaselineError) -> Baseline {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw BaselineError(message: "\(path): cannot read the baseline (create it with --update-baseline)")
    }
    return try decode(data, path: path)
  }

  public static func decode(_ data: Data, path: String) throws(BaselineError) -> Baseline {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw BaselineError(message: "\(path): not a JSON object; the baseline is corrupt (regenerate it with --update-baseline)")
    }
    guard let version = object["schema_version"] as? Int else {
      throw BaselineError(message: "\(path): $.schema_version is missing or not a number")
    }
    guard version <= currentSchemaVersion else {
      throw BaselineError(
        message: "\(path): $.schema_version is \(version), newer than this pgtune-query understands (\(currentSchemaVersion)); upgrade pgtune-query")
    }
    do {
      return try JSONDecoder().decode(Baseline.self, from: data)
    } catch let DecodingError.keyNotFound(key, context) {
      throw BaselineError(message: "\(path): \(jsonPath(context.codingPath + [key])) is missing")
    } catch let DecodingError.typeMismatch(_, context) {
      throw BaselineError(message: "\(path): \(jsonPath(context.codingPath)) has the wrong type")
    } catch let DecodingError.valueNotFound(_, context) {
      throw BaselineError(message: "\(path): \(jsonPath(context.codingPath)) is null")
    } catch {
      throw BaselineError(message: "\(path): the baseline is corrupt (\(error))")
    }
  }

  private static func jsonPath(_ path: [any CodingKey]) -> String {
    "$" + path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
  }
}

/// An unusable baseline: the text names the file and the JSON path of the problem.
public struct BaselineError: Error, LocalizedError, Sendable, Equatable {
  public let message: String
  public var errorDescription: String? { message }
}

extension Baseline.Entry {
  /// The baseline entry of a plan.
  public init(plan: ExplainResult, name: String?, file: String, fingerprint: String?) {
    let entries = PlanWalker.entries(of: plan.plan)
    let summary = PlanSummary(plan)
    self.name = name
    self.file = file
    self.fingerprint = fingerprint
    totalCost = (plan.plan.totalCost * 100).rounded() / 100
    planRows = plan.plan.planRows
    planShape = entries.map { entry in
      var part = String(repeating: ">", count: entry.depth) + entry.node.nodeType
      if let relation = entry.node.qualifiedRelation { part += "(\(relation))" }
      if let index = entry.node.indexName { part += "[\(index)]" }
      return part
    }.joined(separator: " ")
    indexesUsed = summary.indexesUsed.sorted()
    var byRelation: [String: [String]] = [:]
    for entry in entries {
      guard let relation = entry.node.qualifiedRelation else { continue }
      if !(byRelation[relation]?.contains(entry.node.nodeType) ?? false) {
        byRelation[relation, default: []].append(entry.node.nodeType)
      }
    }
    nodeTypesByRelation = byRelation.mapValues { $0.sorted() }
    joinTypes = entries.compactMap { entry in
      ["Nested Loop", "Hash Join", "Merge Join"].contains(entry.node.nodeType) ? entry.node.nodeType : nil
    }.sorted()
    sortCount = entries.filter { $0.node.nodeType == "Sort" || $0.node.nodeType == "Incremental Sort" }.count
  }
}
