import Foundation

/// Settings from `.pgtune-query.toml`. Every key is optional; CLI flags override what is here.
///
/// ```toml
/// version = 1
/// fail_on = "warning"            # info | warning | error
/// disable = ["union-without-all"]
///
/// [rules.select-star]
/// severity = "info"
///
/// [rules.large-offset]
/// threshold = 5000
/// ```
public struct Configuration: Sendable, Equatable {
  public static let fileName = ".pgtune-query.toml"
  public static let supportedVersion = 1

  public struct RuleSettings: Sendable, Equatable {
    public var enabled: Bool?
    public var severity: Severity?
    public var options: [String: ConfigValue] = [:]

    public init(enabled: Bool? = nil, severity: Severity? = nil, options: [String: ConfigValue] = [:]) {
      self.enabled = enabled
      self.severity = severity
      self.options = options
    }
  }

  public var failOn: Severity?
  public var rules: [String: RuleSettings] = [:]
  /// Where the file was found (nil for built-in defaults).
  public var path: String?

  public init() {}

  /// Whether a rule runs: on unless disabled in the file or by flags.
  public func isEnabled(_ rule: String) -> Bool { rules[rule]?.enabled ?? true }

  public mutating func disable(_ rule: String) { rules[rule, default: RuleSettings()].enabled = false }
  public mutating func enable(_ rule: String) { rules[rule, default: RuleSettings()].enabled = true }

  /// Parses configuration text. Unknown settings, rule ids and rule options, and values of the
  /// wrong type, are errors that name `file:line:col` and the closest valid name.
  public static func parse(_ text: String, path: String) throws(ConfigurationError) -> Configuration {
    let document = try TOMLReader.readDocument(text, file: path)
    var configuration = Configuration()
    configuration.path = path
    func at(_ key: String, in table: String = "") -> String { document.position(table: table, key: key) ?? path }
    for (key, value) in (document.tables[""] ?? [:]).sorted(by: { $0.key < $1.key }) {
      switch (key, value) {
      case ("version", .integer(let version)):
        guard version <= supportedVersion else {
          throw ConfigurationError(
            message: "\(at(key)): version \(version) is newer than this pgtune-query understands (\(supportedVersion)); upgrade pgtune-query")
        }
      case ("fail_on", .string(let name)):
        configuration.failOn = try severity(name, at: at(key), key: key)
      case ("disable", .array(let ids)), ("enable", .array(let ids)):
        for id in ids {
          guard case .string(let rule) = id else { throw ConfigurationError(message: "\(at(key)): '\(key)' takes a list of rule ids") }
          try checkRule(rule, at: at(key))
          if key == "disable" { configuration.disable(rule) } else { configuration.enable(rule) }
        }
      case ("version", _), ("fail_on", _), ("disable", _), ("enable", _):
        throw ConfigurationError(message: "\(at(key)): '\(key)' has the wrong type (\(expectedType(key)))")
      default:
        throw ConfigurationError(
          message: "\(at(key)): unknown setting '\(key)'\(Suggestion.hint(for: key, in: topLevelKeys))")
      }
    }
    for (table, values) in document.tables where table.hasPrefix("rules.") {
      let rule = String(table.dropFirst("rules.".count))
      try checkRule(rule, at: document.position(table: table) ?? path)
      configuration.rules[rule] = try settings(values, rule: rule, table: table, at: { at($0, in: table) })
    }
    if let unknown = document.tables.keys.sorted().first(where: { !$0.isEmpty && !$0.hasPrefix("rules.") && $0 != "rules" }) {
      throw ConfigurationError(message: "\(document.position(table: unknown) ?? path): unknown table [\(unknown)]")
    }
    return configuration
  }

  static let topLevelKeys = ["version", "fail_on", "disable", "enable"]

  private static func expectedType(_ key: String) -> String {
    switch key {
    case "version": "an integer"
    case "fail_on": "\"info\", \"warning\" or \"error\""
    default: "a list of rule ids"
    }
  }

  /// One `[rules.<id>]` table, checked against the options the rule declares.
  private static func settings(
    _ values: [String: ConfigValue], rule: String, table: String, at: (String) -> String
  ) throws(ConfigurationError) -> RuleSettings {
    var settings = RuleSettings()
    let declared = AllRules.description(of: rule)?.options ?? []
    for (key, value) in values.sorted(by: { $0.key < $1.key }) {
      switch (key, value) {
      case ("enabled", .bool(let enabled)): settings.enabled = enabled
      case ("severity", .string(let name)): settings.severity = try severity(name, at: at(key), key: key)
      case ("enabled", _): throw ConfigurationError(message: "\(at(key)): 'enabled' takes true or false")
      case ("severity", _): throw ConfigurationError(message: "\(at(key)): 'severity' takes \"info\", \"warning\" or \"error\"")
      default:
        guard let option = declared.first(where: { $0.key == key }) else {
          let known = ["enabled", "severity"] + declared.map(\.key)
          throw ConfigurationError(
            message: "\(at(key)): rule \(rule) has no option '\(key)'\(Suggestion.hint(for: key, in: known)); it takes \(known.joined(separator: ", "))")
        }
        guard option.accepts(value) else {
          throw ConfigurationError(message: "\(at(key)): \(rule).\(key) takes \(option.kind == .integer ? "an integer" : "a number")")
        }
        settings.options[key] = value
      }
    }
    return settings
  }

  /// Sets the option behind a run-wide flag on every rule that declares it.
  public mutating func apply(_ setting: RunSetting, _ value: Double) {
    for description in AllRules.descriptions {
      for option in description.options where option.setting == setting {
        rules[description.id, default: RuleSettings()].options[option.key] =
          option.kind == .integer ? .integer(Int(value)) : .double(value)
      }
    }
  }

  /// As `apply`, but leaves options that the configuration file or a flag already set.
  public mutating func applyDefault(_ setting: RunSetting, _ value: Double) {
    for description in AllRules.descriptions {
      for option in description.options where option.setting == setting && rules[description.id]?.options[option.key] == nil {
        rules[description.id, default: RuleSettings()].options[option.key] =
          option.kind == .integer ? .integer(Int(value)) : .double(value)
      }
    }
  }

  /// Loads `path`, or finds `.pgtune-query.toml` by walking up from `directory`. No file is fine.
  public static func load(path: String?, searchingFrom directory: String) throws(ConfigurationError)
    -> Configuration
  {
    let file: String
    if let path {
      file = path
    } else if let found = find(from: directory) {
      file = found
    } else {
      return Configuration()
    }
    guard let data = FileManager.default.contents(atPath: file) else {
      throw ConfigurationError(message: "\(file): cannot read the configuration file")
    }
    return try parse(String(decoding: data, as: UTF8.self), path: file)
  }

  static func find(from directory: String) -> String? {
    var url = URL(fileURLWithPath: directory).standardizedFileURL
    while true {
      let candidate = url.appendingPathComponent(fileName).path
      if FileManager.default.fileExists(atPath: candidate) { return candidate }
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path { return nil }
      url = parent
    }
  }

  private static func severity(_ name: String, at path: String, key: String) throws(ConfigurationError) -> Severity {
    guard let severity = Severity(rawValue: name) else {
      throw ConfigurationError(
        message: "\(path): '\(key)' must be info, warning or error, not '\(name)'\(Suggestion.hint(for: name, in: Severity.allCases.map(\.rawValue)))")
    }
    return severity
  }

  private static func checkRule(_ rule: String, at path: String) throws(ConfigurationError) {
    guard AllRules.ids.contains(rule) else {
      throw ConfigurationError(
        message: "\(path): unknown rule '\(rule)'\(Suggestion.hint(for: rule, in: AllRules.ids.sorted())) (see `pgtune-query rules` for the list)")
    }
  }
}
