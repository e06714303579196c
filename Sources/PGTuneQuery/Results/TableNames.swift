/// The tables a statement names anywhere (subqueries included), without its CTEs' names.
public struct TableNames: Sendable, Equatable {
  public let tables: [(String?, String)]

  public init(in root: Node) {
    var found: [(String?, String)] = []
    var ctes = Set<String>()
    var stack = [root]
    while let node = stack.popLast() {
      if node.kind == .rangeVar, let name = node.string(.relname) { found.append((node.string(.schemaname), name)) }
      if node.kind == .commonTableExpr, let name = node.string(.ctename) { ctes.insert(name) }
      node.forEachChild { _, child in stack.append(child) }
    }
    tables = found.filter { $0.0 != nil || !ctes.contains($0.1) }
  }

  public static func == (a: TableNames, b: TableNames) -> Bool {
    a.tables.count == b.tables.count && zip(a.tables, b.tables).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
  }
}
