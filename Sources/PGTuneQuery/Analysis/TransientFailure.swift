extension LiveFindings {
  /// Whether a statement's live analysis failed for a reason worth retrying (a timeout, a lock
  /// wait, a dropped connection), not because of the statement itself.
  public static func failedTransiently(_ statement: StatementAnalysis) -> Bool {
    statement.findings.contains { $0.cause == .timeout || $0.cause == .connectionFailed }
  }
}
