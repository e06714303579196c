extension LiveFindings {
  /// Whether a statement's live analysis failed for a reason worth retrying (a timeout, a lock
  /// wait, a dropped connection), not because of the statement itself.
  public static func failedTransiently(_ statement: StatementAnalysis) -> Bool {
    statement.findings.contains { finding in
      finding.rule == explainTimeout.id
        || (finding.rule == explainFailed.id && finding.message.hasPrefix(connectionFailurePrefix))
    }
  }
}
