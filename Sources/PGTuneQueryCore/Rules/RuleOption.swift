/// A setting a rule reads, declared by the rule with its type and default so that the
/// configuration can reject a typo (`threshhold`) or a wrong type (`threshold = "x"`).
public struct RuleOption: Sendable, Equatable {
  public enum Kind: String, Sendable {
    /// A whole number (`threshold = 5000`).
    case integer
    /// Any number (`share = 0.9`, `max_cost = 100000`).
    case number
  }

  /// The key under `[rules.<id>]`.
  public let key: String
  public let kind: Kind
  public let defaultValue: Double
  public let summary: String
  /// A command-line flag that sets this option for every rule that declares it.
  public let setting: RunSetting?

  public init(_ key: String, _ kind: Kind, default defaultValue: Double, summary: String, setting: RunSetting? = nil) {
    self.key = key
    self.kind = kind
    self.defaultValue = defaultValue
    self.summary = summary
    self.setting = setting
  }

  /// Whether `value` has this option's type.
  public func accepts(_ value: ConfigValue) -> Bool {
    switch (kind, value) {
    case (.integer, .integer), (.number, .integer), (.number, .double): true
    default: false
    }
  }

  /// The value in `options`, or the default.
  public func value(in options: [String: ConfigValue]) -> Double {
    switch options[key] {
    case .integer(let value)?: Double(value)
    case .double(let value)?: value
    default: defaultValue
    }
  }
}

/// Run-wide flags that set an option of every rule that declares it, so that nothing outside
/// a rule needs to know which rules read "the large-table threshold".
public enum RunSetting: String, Sendable {
  case largeTableRows = "--large-table-rows"
  case maxCost = "--max-cost"
}
