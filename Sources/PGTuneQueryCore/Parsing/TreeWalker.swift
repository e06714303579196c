/// What part of a statement a node sits in.
public enum Clause: String, Sendable {
  case statement, select, from, `where`, joinCondition, groupBy, having, orderBy, limit, offset
  case values, set, returning, with, other
}

/// How the statement that contains a node uses the relation the node names.
public enum Access: String, Sendable {
  case read, write, definition
}

/// One node reached by `TreeWalker`, with what rules need to know about where it is.
///
/// 16 bytes: a walk holds one per node (3 million for a 10 MB `IN (…)` list), so nothing goes in
/// here that no rule reads (a nesting depth did, and doubled it).
public struct WalkEntry: Sendable {
  public let node: Node
  /// The clause of the innermost query level that holds the node.
  public let clause: Clause
  /// `write` for the target relation of INSERT/UPDATE/DELETE/MERGE, `definition` inside DDL.
  public let access: Access
}

/// Walks a tree depth-first, in source order, without recursion: a statement nested ten thousand
/// levels deep costs a longer array, not a stack overflow.
public enum TreeWalker {
  /// Every node below and including `root`, in pre-order.
  public static func walk(_ root: Node) -> [WalkEntry] {
    let tree = root.tree
    var result: [WalkEntry] = []
    result.reserveCapacity(tree.nodeCount)
    // What is left to visit, the next on top: a node, or the rest of a list (pushed as one frame:
    // pushing every item of a 1,000,000-item IN list at once took 27 MB while the stack grew).
    var stack: [Pending] = [.node(WalkEntry(node: root, clause: .statement, access: initialAccess(root.kind)))]
    // The tree's arrays read through pointers, and each entry moved into the result after its
    // fields are read: reading them through the class and copying the entry retained and
    // released the tree and its arrays for every node.
    tree.nodes.withUnsafeBufferPointer { nodes in
      tree.fields.withUnsafeBufferPointer { fields in
        tree.listItems.withUnsafeBufferPointer { listItems in
          while let pending = stack.popLast() {
            let entry: WalkEntry
            switch pending {
            case .node(let node): entry = node
            case .items(let next, let end, let clause, let access):
              if next + 1 < end { stack.append(.items(next: next + 1, end: end, clause: clause, access: access)) }
              entry = WalkEntry(node: Node(tree: tree, index: listItems[Int(next)]), clause: clause, access: access)
            }
            let raw = nodes[Int(entry.node.index)]
            let (parentClause, parentAccess) = (entry.clause, entry.access)
            result.append(entry)
            // The children pushed last to first, so that the first child is visited first.
            let kind = raw.kind
            var position = Int(raw.firstField) + Int(raw.fieldCount) - 1
            while position >= Int(raw.firstField) {
              let field = fields[position]
              position -= 1
              let clause = clause(of: field.name, in: kind) ?? parentClause
              let access = access(field: field.name, parent: kind, parentAccess: parentAccess)
              switch field.value {
              case .node(let child):
                stack.append(.node(WalkEntry(node: Node(tree: tree, index: child), clause: clause, access: access)))
              case .list(let start, let count) where count > 0:
                stack.append(.items(next: start, end: start + count, clause: clause, access: access))
              default: break
              }
            }
          }
        }
      }
    }
    return result
  }

  /// A node to visit, or the items `next..<end` of a list still to visit, in order.
  private enum Pending {
    case node(WalkEntry)
    case items(next: Int32, end: Int32, clause: Clause, access: Access)
  }

  private static func initialAccess(_ kind: NodeKind) -> Access {
    switch kind {
    case .selectStmt, .insertStmt, .updateStmt, .deleteStmt, .mergeStmt, .explainStmt: .read
    default: .definition
    }
  }

  private static func access(field: FieldName, parent: NodeKind, parentAccess: Access) -> Access {
    switch (parent, field) {
    case (.insertStmt, .relation), (.updateStmt, .relation), (.deleteStmt, .relation),
      (.mergeStmt, .relation):
      return .write
    case (_, _) where parentAccess == .write:
      // Only the target RangeVar itself is written; what hangs below it (alias) is not a read.
      return .write
    case (.insertStmt, _), (.updateStmt, _), (.deleteStmt, _), (.mergeStmt, _):
      return .read
    default:
      return parentAccess
    }
  }

  /// The clause a field opens, for the statement-level nodes that have clauses.
  private static func clause(of field: FieldName, in kind: NodeKind) -> Clause? {
    switch (kind, field) {
    case (.selectStmt, .targetList): .select
    case (.selectStmt, .fromClause), (.updateStmt, .fromClause), (.deleteStmt, .usingClause): .from
    case (.selectStmt, .whereClause), (.updateStmt, .whereClause), (.deleteStmt, .whereClause): .where
    case (.joinExpr, .quals): .joinCondition
    case (.selectStmt, .groupClause): .groupBy
    case (.selectStmt, .havingClause): .having
    case (.selectStmt, .sortClause): .orderBy
    case (.selectStmt, .limitCount): .limit
    case (.selectStmt, .limitOffset): .offset
    case (.selectStmt, .valuesLists): .values
    case (.updateStmt, .targetList): .set
    case (.insertStmt, .returningList), (.updateStmt, .returningList), (.deleteStmt, .returningList): .returning
    case (_, .withClause): .with
    case (.selectStmt, .larg), (.selectStmt, .rarg), (.subLink, .subselect), (.rangeSubselect, .subquery),
      (.commonTableExpr, .ctequery), (.insertStmt, .selectStmt):
      .statement
    default: nil
    }
  }
}

/// A walk's entries grouped by node kind, each group in source order: most rules look at one or
/// two kinds of node (`SortBy`, `A_Expr`…), and eleven rules each scanning every entry of the
/// walk cost a retain and a release of its tree per entry and rule.
public struct EntriesByKind: Sendable {
  /// Entry positions, ordered by kind, then by position.
  private let order: [Int32]
  /// `order[starts[k] ..< starts[k + 1]]` are the positions of the entries of kind `k`.
  private let starts: [Int32]

  /// A counting sort by kind: two passes over the entries, no dictionary.
  public init(_ entries: [WalkEntry]) {
    guard let tree = entries.first?.node.tree else {
      order = []
      starts = []
      return
    }
    let kinds = NodeKind.allCases.count
    var starts = [Int32](repeating: 0, count: kinds + 1)
    var order = [Int32](repeating: 0, count: entries.count)
    // Each entry's node index read in place: copying an entry out retained and released its tree.
    tree.nodes.withUnsafeBufferPointer { nodes in
      entries.withUnsafeBufferPointer { entries in
        for position in entries.indices { starts[Int(nodes[Int(entries[position].node.index)].kind.rawValue) + 1] += 1 }
        for kind in 0..<kinds { starts[kind + 1] += starts[kind] }
        var next = starts
        for position in entries.indices {
          let kind = Int(nodes[Int(entries[position].node.index)].kind.rawValue)
          order[Int(next[kind])] = Int32(position)
          next[kind] += 1
        }
      }
    }
    self.order = order
    self.starts = starts
  }

  /// Positions in the walk of the entries of `kind`, in source order.
  func positions(of kind: NodeKind) -> ArraySlice<Int32> {
    guard !starts.isEmpty else { return [] }
    let kind = Int(kind.rawValue)
    return order[Int(starts[kind])..<Int(starts[kind + 1])]
  }
}

/// The entries of one kind of node, in source order (`RuleContext.entries(of:)`).
public struct EntriesOfKind: RandomAccessCollection, Sendable {
  let entries: [WalkEntry]
  let positions: ArraySlice<Int32>

  public var startIndex: Int { positions.startIndex }
  public var endIndex: Int { positions.endIndex }
  public subscript(position: Int) -> WalkEntry { entries[Int(positions[position])] }
}
