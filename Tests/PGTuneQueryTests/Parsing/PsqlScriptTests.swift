import Foundation
@testable import PGTuneQuery
import Testing

/// psql scripts read as psql reads them, every byte kept in its place.
struct PsqlScriptTests {
  private func read(_ text: String, variables: [String: String] = [:]) -> (text: String, script: PsqlScript) {
    let script = PsqlScript.read(SourceFile(name: "s.sql", bytes: Array(text.utf8)), variables: variables)
    #expect(script.source.bytes.count == text.utf8.count, "the length changed")
    return (String(decoding: script.source.bytes, as: UTF8.self), script)
  }

  @Test func metaCommandsAreBlankedAndSendingOnesEndTheStatement() {
    let (text, script) = read("\\set n 5\nSELECT 1\n\\gset\n\\timing on\nSELECT 2;\n")
    #expect(text == "        \nSELECT 1\n;    \n          \nSELECT 2;\n")
    #expect(script.skipped.map(\.name) == ["timing"])
    #expect(script.variables == ["n": "5"])
  }

  @Test func variablesAreSubstitutedWithinTheirBytes() {
    let (text, _) = read("\\set id 42\n\\set who 'o''brien'\nSELECT :id, :'who', :\"who\" FROM t WHERE x = :nope;\n")
    let sql = text.split(separator: "\n").last.map(String.init) ?? ""
    // 42 fits in `:id`; 'o''brien' does not fit in `:'who'` (the empty string stands in); the
    // identifier form falls back to the variable's name; an unknown name stays an identifier.
    #expect(sql == "SELECT 42 , ''    , \"who\"  FROM t WHERE x = nope ;")
    #expect(StatementParser.parse(sql: sql).first?.error == nil)
  }

  @Test func colonsAndBackslashesThatAreNotPsql() {
    let sql = "\\echo x\nSELECT a::int, b[1:n], 'a:b \\n', $$ :x \\q $$, $1, E'\\'' /* :c \\d */ -- :d \\e\nFROM t;\n"
    let (text, script) = read(sql)
    #expect(text.hasSuffix(String(sql.drop { $0 != "\n" })))
    #expect(script.skipped.map(\.name) == ["echo"])
  }

  @Test func plainSQLIsUntouched() {
    let sql = "SELECT a[1:n], :x FROM t; -- not a script\n"
    let (text, script) = read(sql)
    #expect(text == sql)
    #expect(script.includes.isEmpty && script.skipped.isEmpty)
  }

  @Test func includesCarryTheVariablesSetBeforeThem() {
    let (_, script) = read("\\set a 1\n\\ir lib/x.sql\n\\set b 2\n\\i other.sql\n")
    #expect(script.includes.map(\.path) == ["lib/x.sql", "other.sql"])
    #expect(script.includes.map(\.relativeToScript) == [true, false])
    #expect(script.includes.map(\.variables) == [["a": "1"], ["a": "1", "b": "2"]])
    #expect(script.includes.map(\.offset) == [9, 32])
  }

  @Test func conditionalBranchesAreAllKept() {
    let (text, _) = read("\\if :prod\nDELETE FROM a;\n\\elif :staging\nDELETE FROM b;\n\\else\nDELETE FROM c;\n\\endif\n")
    #expect(StatementParser.parse(sql: text).count == 3)
  }
}
