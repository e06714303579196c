import ArgumentParser

/// `--format` for analyze.
enum AnalyzeFormat: String, ExpressibleByArgument, CaseIterable {
  /// Findings as compiler-style lines.
  case text
  /// The versioned JSON contract.
  case json
  /// The index suggestions as a migration (needs --dsn).
  case sql
}
