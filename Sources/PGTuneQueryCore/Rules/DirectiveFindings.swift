/// Findings about the tool's own comments in the SQL.
public enum DirectiveFindings {
  package static let unknownRule = RuleDescription(
    id: "unknown-rule-in-comment",
    summary: "An ignore comment names a rule that does not exist",
    rationale: """
      `-- pgtune-query: ignore selectstar` silences nothing: the id is mistyped, so the finding \
      it was meant to silence is still reported (or, worse, a later one is not). The message \
      names the closest rule id.
      """,
    defaultSeverity: .warning, triggering: [], nonTriggering: [])

  static let all = [unknownRule]
}
