/// What the statements before this one in the same file did that a migration rule needs to know:
/// whether a transaction block is open, whether `lock_timeout` was set, which tables the file
/// itself created (building an index on a table nobody can be using yet needs no care).
///
/// Computed in file order by `MigrationTimeline` from each statement's `MigrationStep` (computed
/// in the parallel parse), so the rules themselves stay per-statement and run in parallel.
public struct MigrationState: Sendable {
  public var inTransaction = false
  public var lockTimeoutSet = false
  /// A statement before this one already waited for a table lock without `lock_timeout` (the
  /// rule about it reports once per file).
  public var lockTakenWithoutTimeout = false
  /// Index of the statement this state comes before, and the file's timeline: a table counts as
  /// created when the file created it at an earlier index. Sharing one timeline keeps a state a
  /// few words wide (a snapshot of a growing set per statement was quadratic in a file of
  /// thousands of CREATE TABLEs).
  let position: Int
  let timeline: MigrationTimeline?

  public init() {
    position = 0
    timeline = nil
  }

  init(position: Int, timeline: MigrationTimeline, flags: (Bool, Bool, Bool)) {
    self.position = position
    self.timeline = timeline
    (inTransaction, lockTimeoutSet, lockTakenWithoutTimeout) = flags
  }

  public func created(_ relation: Node?) -> Bool {
    guard let name = relation?.string(.relname) else { return false }
    return created(name)
  }

  func created(_ name: String) -> Bool { timeline?.isCreated(name, before: position) ?? false }

  /// Whether `table.column` has a validated `CHECK (column IS NOT NULL)` from an earlier statement.
  public func notNullChecked(table: String, column: String) -> Bool {
    timeline?.isNotNullChecked("\(table.lowercased()).\(column.lowercased())", before: position) ?? false
  }

  /// Whether the statement waits for a lock that blocks an existing table's readers or writers.
  public func blocks(_ step: MigrationStep) -> Bool {
    switch step.lock {
    case nil: false
    case .always: true
    case .table(let name): !created(name)
    }
  }
}

/// A file's migration facts in statement order: where each table was first created, where each
/// NOT NULL check was validated, and the state before every statement.
public final class MigrationTimeline: @unchecked Sendable {
  // Written only while `init` folds the steps, read-only afterwards.
  private var tablesCreated: [String: Int] = [:]
  private var notNullChecks: [String: Int] = [:]
  /// The flags before each statement asked for (states are made on demand: a state holds its
  /// timeline, so the timeline must not hold states).
  private var flagsBefore: [Int: (Bool, Bool, Bool)] = [:]

  /// - Parameters:
  ///   - steps: the steps that do something (`isNoOp` false), by statement index, ascending;
  ///     a statement that did not parse has none.
  ///   - wanted: the statements whose state is kept, ascending.
  public init(steps: [(index: Int, step: MigrationStep)], wanted: [Int]) {
    var flags = (inTransaction: false, lockTimeoutSet: false, lockTaken: false)
    var nextWanted = wanted.startIndex
    func keep(through index: Int) {
      while nextWanted < wanted.endIndex, wanted[nextWanted] <= index {
        flagsBefore[wanted[nextWanted]] = flags
        nextWanted += 1
      }
    }
    // Most statements of a query file are a step that does nothing: they are not in `steps`.
    for (index, step) in steps where !step.isNoOp {
      keep(through: index)
      if !flags.lockTimeoutSet, MigrationState(position: index, timeline: self, flags: flags).blocks(step) {
        flags.lockTaken = true
      }
      switch step.effect {
      case .begin: flags.inTransaction = true
      case .end: flags.inTransaction = false
      case .setLockTimeout(let on): flags.lockTimeoutSet = on
      case .createTable(let name): if tablesCreated[name.lowercased()] == nil { tablesCreated[name.lowercased()] = index }
      case .checkNotNull(let table, let column):
        let key = "\(table.lowercased()).\(column.lowercased())"
        if notNullChecks[key] == nil { notNullChecks[key] = index }
      case .none: break
      }
    }
    keep(through: .max)
  }

  /// The state before statement `index` (one of those asked for).
  public func state(before index: Int) -> MigrationState {
    MigrationState(position: index, timeline: self, flags: flagsBefore[index] ?? (false, false, false))
  }

  func isCreated(_ name: String, before position: Int) -> Bool { (tablesCreated[name.lowercased()] ?? .max) < position }
  func isNotNullChecked(_ key: String, before position: Int) -> Bool { (notNullChecks[key] ?? .max) < position }
}

/// A statement's effect on `MigrationState`, and the table lock it waits for.
public struct MigrationStep: Sendable, Equatable {
  public enum Effect: Sendable, Equatable {
    case none, begin, end
    case setLockTimeout(Bool)
    case createTable(String)
    case checkNotNull(table: String, column: String)
  }

  /// A lock that blocks the table's readers or writers while the statement waits for it.
  public enum LockedTable: Sendable, Equatable {
    /// Unless the file created the table (nobody else can be using it yet).
    case table(String)
    case always
  }

  public let effect: Effect
  public let lock: LockedTable?

  /// Neither changes the state nor waits for a table lock (most statements of a query file).
  public var isNoOp: Bool { effect == .none && lock == nil }

  /// Read off the statement's root node; only a handful of statement kinds have an effect.
  public init(_ root: Node) {
    effect = Self.effect(of: root)
    lock = Self.lock(of: root)
  }

  private static func effect(of root: Node) -> Effect {
    switch root.kind {
    case .transactionStmt:
      let kind = root.string(.kind) ?? ""
      if kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START" { return .begin }
      return ["TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE"].contains(kind) ? .end : .none
    case .variableSetStmt where root.string(.name) == "lock_timeout":
      // `SET lock_timeout = 0` / `RESET` turn the protection off again.
      let argument = root.list(.args).first
      let value = argument?.stringConstant ?? argument?.integerConstant.map(String.init)
      return .setLockTimeout(root.string(.kind) == "VAR_SET_VALUE" && value != nil && value != "0")
    case .createStmt, .createTableAsStmt:
      let relation = root.kind == .createStmt ? root.node(.relation) : root.node(.into)?.node(.rel)
      return relation?.string(.relname).map(Effect.createTable) ?? .none
    case .alterTableStmt:
      return validatedNotNullCheck(root) ?? .none
    default:
      return .none
    }
  }

  private static func lock(of root: Node) -> LockedTable? {
    func on(_ relation: Node?) -> LockedTable? { relation?.string(.relname).map(LockedTable.table) }
    switch root.kind {
    case .alterTableStmt, .createTrigStmt, .renameStmt:
      return on(root.node(.relation))
    case .indexStmt:
      return root.bool(.concurrent) ? nil : on(root.node(.relation))
    case .dropStmt:
      guard root.string(.removeType) == "OBJECT_TABLE" || root.string(.removeType) == "OBJECT_INDEX", !root.bool(.concurrent)
      else { return nil }
      let name = root.list(.objects).first?.names(.items).last
      return root.string(.removeType) == "OBJECT_TABLE" ? name.map(LockedTable.table) : .always
    case .truncateStmt, .clusterStmt:
      return .always
    case .vacuumStmt:
      return VacuumFullOrClusterRule.isFull(root) ? .always : nil
    default:
      return nil
    }
  }
  /// `ALTER TABLE t ADD CONSTRAINT c CHECK (col IS NOT NULL)` (validated, i.e. without NOT
  /// VALID — a later `VALIDATE CONSTRAINT` is taken as validating it too).
  private static func validatedNotNullCheck(_ root: Node) -> Effect? {
    guard let table = root.node(.relation)?.string(.relname) else { return nil }
    for command in root.list(.cmds) {
      let subtype = command.string(.subtype)
      if subtype == "AT_ValidateConstraint", let column = checkedColumn(named: command.string(.name)) {
        return .checkNotNull(table: table, column: column)
      }
      guard subtype == "AT_AddConstraint", let constraint = command.node(.def), constraint.string(.contype) == "CONSTR_CHECK"
      else { continue }
      if let expression = constraint.node(.rawExpr), expression.kind == .nullTest,
        expression.string(.nulltesttype) == "IS_NOT_NULL", let column = expression.node(.arg)?.columnNameParts.last,
        !constraint.bool(.skipValidation)
      {
        return .checkNotNull(table: table, column: column)
      }
    }
    return nil
  }

  /// Constraint names are free-form; a validated constraint whose name says `<column>_not_null`
  /// is the convention the `set-not-null-on-existing-column` help recommends.
  private static func checkedColumn(named name: String?) -> String? {
    guard let name, name.hasSuffix("_not_null") else { return nil }
    return String(name.dropLast("_not_null".count))
  }
}
