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

  /// Parses configuration text; unknown rule ids and bad values are errors that name the line.
  public static func parse(_ text: String, path: String) throws(ConfigurationError) -> Configuration {
    let tables = try TOMLReader.read(text, file: path)
    var configuration = Configuration()
    configuration.path = path
    let top = tables[""] ?? [:]
    for (key, value) in top {
      switch (key, value) {
      case ("version", .integer(let version)):
        guard version <= supportedVersion else {
          throw ConfigurationError(
            message: "\(path): version \(version) is newer than this pgtune-query understands (\(supportedVersion)); upgrade pgtune-query")
        }
      case ("fail_on", .string(let name)):
        configuration.failOn = try severity(name, path: path, key: key)
      case ("disable", .array(let ids)), ("enable", .array(let ids)):
        for id in ids {
          guard case .string(let rule) = id else {
            throw ConfigurationError(message: "\(path): '\(key)' takes a list of rule ids")
          }
          try checkRule(rule, path: path)
          if key == "disable" { configuration.disable(rule) } else { configuration.enable(rule) }
        }
      default:
        throw ConfigurationError(message: "\(path): unknown setting '\(key)' (or wrong type)")
      }
    }
    for (table, values) in tables where table.hasPrefix("rules.") {
      let rule = String(table.dropFirst("rules.".count))
      try checkRule(rule, path: path)
      var settings = configuration.rules[rule] ?? RuleSettings()
      for (key, value) in values {
        switch (key, value) {
        case ("enabled", .bool(let enabled)): settings.enabled = enabled
        case ("severity", .string(let name)): settings.severity = try severity(name, path: path, key: key)
        default: settings.options[key] = value
        }
      }
      configuration.rules[rule] = settings
    }
    if let unknown = tables.keys.first(where: { !$0.isEmpty && !$0.hasPrefix("rules.") && $0 != "rules" }) {
      throw ConfigurationError(message: "\(path): unknown table [\(unknown)]")
    }
    return configuration
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

  private static func severity(_ name: String, path: String, key: String) throws(ConfigurationError) -> Severity {
    guard let severity = Severity(rawValue: name) else {
      throw ConfigurationError(message: "\(path): '\(key)' must be info, warning or error, not '\(name)'")
    }
    return severity
  }

  private static func checkRule(_ rule: String, path: String) throws(ConfigurationError) {
    guard AllRules.ids.contains(rule) else {
      throw ConfigurationError(
        message: "\(path): unknown rule '\(rule)' (see `pgtune-query rules` for the list)")
    }
  }
}
