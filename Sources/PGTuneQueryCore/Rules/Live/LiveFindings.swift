/// Findings that come from talking to the database rather than from a rule over a tree or plan.
/// They have ids (so they can be disabled or re-severitied) and descriptions, but no examples:
/// the live tests against PostgreSQL cover them.
public enum LiveFindings {
  /// The message of a statement that could not be sent because the connection failed.
  package static func connectionFailureMessage(_ reason: String) -> String {
    "not EXPLAINed: the database connection failed (\(reason))"
  }

  package static let notExplainable = RuleDescription(
    id: "not-explainable",
    summary: "Statement not sent to the server",
    rationale: """
      Only SELECT, INSERT, UPDATE, DELETE and MERGE are EXPLAINed. DDL, utility commands, \
      transaction control, DO blocks, COPY, SET, VACUUM… are never sent to the database.
      """,
    defaultSeverity: .info, triggering: [], nonTriggering: [])

  package static let explainFailed = RuleDescription(
    id: "explain-failed",
    summary: "EXPLAIN failed",
    rationale: """
      The server rejected the statement (unknown table or column, type error, permission…): it \
      would fail in production against this schema as well.
      """,
    defaultSeverity: .warning, triggering: [], nonTriggering: [])

  package static let explainTimeout = RuleDescription(
    id: "explain-timeout",
    summary: "EXPLAIN hit statement_timeout or lock_timeout",
    rationale: """
      Planning (or, with --analyze, running) took longer than --statement-timeout, or a lock \
      could not be had within --lock-timeout (a migration holding an exclusive lock). The run \
      goes on with the next statement.
      """,
    defaultSeverity: .warning, triggering: [], nonTriggering: [])

  package static let analyzeSkipped = RuleDescription(
    id: "analyze-skipped",
    summary: "Statement not run by --analyze (it could change what a rollback cannot undo)",
    rationale: """
      --analyze runs statements, and a rollback undoes only what is transactional. A statement is \
      run only when its plan calls no volatile function (a serial column's nextval, setval, \
      pg_stat_reset, pg_reload_conf, lo_export, dblink…; random(), clock_timestamp() and \
      pg_sleep() are allowed), writes no foreign table, and the tables it writes have no user \
      trigger; a data-modifying statement also needs --allow-writes-in-rollback. Otherwise it \
      gets a plain EXPLAIN, and this finding names what stopped it.
      """,
    defaultSeverity: .info, triggering: [], nonTriggering: [])

  package static let missingIndex = RuleDescription(
    id: "missing-index",
    summary: "An index would make the statement much cheaper",
    rationale: """
      The index advisor proposes indexes from the statement's filters, joins, ORDER BY and GROUP \
      BY, creates each as a hypothetical index (hypopg), and keeps one only when the planner uses \
      it and the cost falls by --min-savings (30 %) or more. The help line is the DDL to run.
      """,
    defaultSeverity: .warning, triggering: [], nonTriggering: [])

  static let all = [notExplainable, explainFailed, explainTimeout, analyzeSkipped, missingIndex]
}
