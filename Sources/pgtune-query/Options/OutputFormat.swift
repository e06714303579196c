import ArgumentParser

/// `--format` for analyze.
enum AnalyzeFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}
