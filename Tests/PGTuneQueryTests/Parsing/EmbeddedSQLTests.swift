import Foundation
@testable import PGTuneQuery
import Testing

struct EmbeddedSQLTests {
  private func embedded(_ sql: String) throws -> [EmbeddedSQL] {
    let source = SourceFile(name: "f.sql", bytes: Array(sql.utf8))
    let statement = try #require(StatementParser.parse(sql: sql).first)
    return EmbeddedSQL.find(in: statement, root: try #require(statement.root), source: source)
  }

  @Test func plpgsqlStatementsExpressionsAndAssignments() throws {
    let sql = "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nDECLARE x int; y int; z int; q bool;\nBEGIN\n  PERFORM a FROM t;\n  x := y + 1;\n  z = NULL;\n  IF q THEN RETURN; END IF;\nEND $$;"
    let found = try embedded(sql)
    #expect(found.map(\.text) == ["SELECT a FROM t", "SELECT y + 1", "SELECT NULL", "SELECT q"])
    // Each maps back to its bytes in the file.
    for item in found {
      let inFile = String(decoding: Array(sql.utf8)[item.fileStart..<(item.fileStart + item.text.utf8.count - item.addedPrefix)], as: UTF8.self)
      #expect(item.text.hasSuffix(inFile), "\(item.text) ↔ \(inFile)")
    }
  }

  @Test func sqlBodiesAndOthers() throws {
    #expect(try embedded("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'").map(\.text) == ["SELECT 1"])
    #expect(try embedded("CREATE FUNCTION f() RETURNS int LANGUAGE c AS 'lib', 'sym'").isEmpty)
    #expect(try embedded("SELECT 1").isEmpty)
  }
}
