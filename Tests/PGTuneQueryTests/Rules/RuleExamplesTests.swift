import PGTuneQuery
import TestSupport
import Testing

/// Every rule's own examples are its tests: each triggering example reports exactly at its `↓`
/// markers, each non-triggering one stays silent, an ignore comment silences it, and positions
/// survive multibyte text before the statement (libpg_query speaks UTF-8 bytes; users columns).
@Suite struct RuleExamplesTests {
  static let rules = AllRules.queryDescriptions

  @Test(arguments: rules)
  func triggeringExamplesReportAtMarkers(rule: RuleDescription) {
    #expect(!rule.triggering.isEmpty, "\(rule.id) has no triggering example")
    for example in rule.triggering {
      let marked = MarkedSQL(example)
      #expect(!marked.offsets.isEmpty, "\(rule.id): example without ↓ marker: \(example)")
      let offsets = findings(of: rule.id, in: marked.sql).map(\.offset)
      #expect(offsets == marked.offsets, "\(rule.id): \(example)")
    }
  }

  @Test(arguments: rules)
  func nonTriggeringExamplesStaySilent(rule: RuleDescription) {
    #expect(!rule.nonTriggering.isEmpty, "\(rule.id) has no non-triggering example")
    for example in rule.nonTriggering {
      #expect(findings(of: rule.id, in: example).isEmpty, "\(rule.id) fired on: \(example)")
    }
  }

  @Test(arguments: rules)
  func ignoreCommentSilencesTheRule(rule: RuleDescription) {
    for example in rule.triggering {
      // `ignore` silences the next statement; an example of several statements (a migration
      // rule's context) is silenced for the file.
      let sql = MarkedSQL(example).sql
      let several = StatementParser.parse(sql: sql).count > 1
      let silenced = "-- pgtune-query: \(several ? "ignore-file" : "ignore") \(rule.id)\n" + sql
      #expect(findings(of: rule.id, in: silenced).isEmpty, "\(rule.id) not silenced: \(example)")
    }
  }

  @Test(arguments: rules)
  func positionsSurviveMultibytePrefix(rule: RuleDescription) {
    // A statement of multibyte text first, then a comment with multibyte text on the same line:
    // byte offsets shift by more than character columns do.
    let prefix = "SELECT 'été ☕ 😀';\n/* ünïcödé ☕ */ "
    for example in rule.triggering {
      let marked = MarkedSQL(prefix + example)
      let file = analyze(marked.sql, onlyRules: [rule.id])
      let found = file.statements.flatMap(\.findings).filter { $0.rule == rule.id }
      #expect(found.map(\.offset) == marked.offsets, "\(rule.id): \(example)")
      for (finding, offset) in zip(found, marked.offsets) {
        let position = file.text.position(ofByte: finding.offset)
        let linePrefix = marked.sql.utf8.prefix(offset).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).last!
        #expect(position.line == 2)
        #expect(position.column == String(decoding: linePrefix, as: UTF8.self).count + 1)
      }
    }
  }

  /// A rule's fix is tested by the rule's own examples: every rewrite of a triggering example
  /// parses, no longer triggers the rule, and keeps the statement's kind; fixes that need no
  /// catalog rewrite at least one of their examples.
  @Test(arguments: rules.filter { Rewriter.rewritableRules.contains($0.id) })
  func fixesSilenceTheirRuleOnTheExamples(rule: RuleDescription) throws {
    var rewritten = 0
    for example in rule.triggering {
      let sql = MarkedSQL(example).sql
      let root = try #require(StatementParser.parse(sql: sql).first?.root)
      for rewrite in Rewriter.rewrites(for: root, findings: [rule.id], catalog: nil) where rewrite.rule == rule.id {
        rewritten += 1
        let again = try #require(StatementParser.parse(sql: rewrite.sql).first?.root, "\(rule.id): \(rewrite.sql)")
        #expect(again.kind == root.kind)
        #expect(findings(of: rule.id, in: rewrite.sql).isEmpty, "\(rule.id) still fires on its fix \(rewrite.sql)")
      }
    }
    let needsCatalog: Set<String> = ["select-star", "large-offset", "union-without-all"]
    if !needsCatalog.contains(rule.id) { #expect(rewritten > 0, "\(rule.id): no example is fixed") }
  }

  private func findings(of rule: String, in sql: String) -> [Finding] {
    analyze(sql, onlyRules: [rule]).statements.flatMap(\.findings).filter { $0.rule == rule }
  }
}

extension RuleDescription: CustomTestStringConvertible {
  public var testDescription: String { id }
}
