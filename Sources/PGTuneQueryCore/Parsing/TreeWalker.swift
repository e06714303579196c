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
    var result: [WalkEntry] = []
    result.reserveCapacity(root.tree.nodeCount)
    var stack: [WalkEntry] = [
      WalkEntry(node: root, clause: .statement, access: initialAccess(root.kind))
    ]
    var children: [(FieldName, Node)] = []
    while let entry = stack.popLast() {
      result.append(entry)
      children.removeAll(keepingCapacity: true)
      entry.node.forEachChild { children.append(($0, $1)) }
      // Push in reverse so that the first child is visited first.
      for (field, child) in children.reversed() {
        stack.append(
          WalkEntry(
            node: child,
            clause: clause(of: field, in: entry.node.kind) ?? entry.clause,
            access: access(of: child, field: field, parent: entry)))
      }
    }
    return result
  }

  private static func initialAccess(_ kind: NodeKind) -> Access {
    switch kind {
    case .selectStmt, .insertStmt, .updateStmt, .deleteStmt, .mergeStmt, .explainStmt: .read
    default: .definition
    }
  }

  private static func access(of child: Node, field: FieldName, parent: WalkEntry) -> Access {
    switch (parent.node.kind, field) {
    case (.insertStmt, .relation), (.updateStmt, .relation), (.deleteStmt, .relation),
      (.mergeStmt, .relation):
      return .write
    case (_, _) where parent.access == .write:
      // Only the target RangeVar itself is written; what hangs below it (alias) is not a read.
      return .write
    case (.insertStmt, _), (.updateStmt, _), (.deleteStmt, _), (.mergeStmt, _):
      return .read
    default:
      return parent.access
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
