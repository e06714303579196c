import PGTuneQuery
import Testing

@Suite struct TreeWalkerTests {
  private func entries(_ sql: String) throws -> [WalkEntry] {
    TreeWalker.walk(try #require(StatementParser.parse(sql: sql).first?.root))
  }

  @Test func clausesOfASelect() throws {
    let walk = try entries(
      "SELECT a FROM t JOIN u ON u.id = t.id WHERE b = 1 GROUP BY c HAVING count(*) > 1 ORDER BY d LIMIT 5 OFFSET 2")
    func clause(ofColumn name: String) -> Clause? {
      walk.first { $0.node.kind == .columnRef && $0.node.columnNameParts.last == name }?.clause
    }
    #expect(clause(ofColumn: "a") == .select)
    #expect(clause(ofColumn: "id") == .joinCondition)
    #expect(clause(ofColumn: "b") == .where)
    #expect(clause(ofColumn: "c") == .groupBy)
    #expect(clause(ofColumn: "d") == .orderBy)
    #expect(walk.first { $0.node.integerConstant == 5 }?.clause == .limit)
    #expect(walk.first { $0.node.integerConstant == 2 }?.clause == .offset)
  }

  @Test func writeTargetsAndReads() throws {
    let walk = try entries("UPDATE accounts SET x = 1 FROM orders WHERE orders.id = accounts.id")
    let relations = walk.filter { $0.node.kind == .rangeVar }
    #expect(relations.map { $0.node.string(.relname) } == ["accounts", "orders"])
    #expect(relations.map(\.access) == [.write, .read])
    let ddl = try entries("CREATE INDEX i ON t (a)")
    #expect(ddl.first { $0.node.kind == .rangeVar }?.access == .definition)
  }

  @Test func subqueriesStartTheirOwnClauses() throws {
    let walk = try entries("SELECT a FROM t WHERE b IN (SELECT c FROM u ORDER BY c)")
    let c = walk.filter { $0.node.kind == .columnRef && $0.node.columnNameParts == ["c"] }
    #expect(c.map(\.clause) == [.select, .orderBy])
  }

  @Test func preOrderInSourceOrder() throws {
    let walk = try entries("SELECT a, b, c FROM t")
    let names = walk.filter { $0.node.kind == .columnRef }.map { $0.node.columnNameParts[0] }
    #expect(names == ["a", "b", "c"])
  }
}
