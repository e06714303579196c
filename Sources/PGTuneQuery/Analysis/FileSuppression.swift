import Foundation
import PGTuneQueryCore

/// The rules `-- pgtune-query: ignore-file …` comments silence in one file.
struct FileSuppression {
  var rules: Set<String> = []
  var directives: [SuppressionDirective] = []

  /// Whether the file has a `pgtune-query:` comment anywhere (one byte search): only then can
  /// it have ignore-file comments, or ignore comments whose rule ids need checking.
  static func mayHaveDirectives(_ source: SourceFile) -> Bool {
    source.bytes.count >= SuppressionDirective.marker.utf8.count && contains(source.bytes, SuppressionDirective.marker)
  }

  /// Reads the comments between statements (and after the last one); a file without the marker
  /// anywhere costs one byte search.
  static func read(_ source: SourceFile, ranges: [Range<Int>]) -> FileSuppression {
    guard mayHaveDirectives(source) else { return FileSuppression() }
    return source.withNulTerminated { text in
      var result = FileSuppression()
      var gaps = ranges.map { $0.lowerBound..<SQLTrivia.skipLeading(text, in: $0).start }
      gaps.append((ranges.last?.upperBound ?? 0)..<source.bytes.count)
      for gap in gaps where !gap.isEmpty {
        let comments = SQLTrivia.comments(text, in: gap)
        for directive in SuppressionDirective.parse(comments: comments, in: text) where directive.kind == .file {
          result.directives.append(directive)
          result.rules.formUnion(directive.rules.isEmpty ? AllRules.ids : Set(directive.rules))
        }
      }
      return result
    }
  }

  /// Whether `word` occurs in `bytes`: memchr for its first byte, then a comparison.
  private static func contains(_ bytes: [UInt8], _ word: String) -> Bool {
    let needle = Array(word.utf8)
    guard let first = needle.first else { return true }
    return bytes.withUnsafeBufferPointer { haystack -> Bool in
      guard let base = haystack.baseAddress else { return false }
      var position = 0
      while position + needle.count <= haystack.count {
        guard let found = memchr(base + position, Int32(first), haystack.count - position - needle.count + 1) else {
          return false
        }
        let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        if memcmp(base + index, needle, needle.count) == 0 { return true }
        position = index + 1
      }
      return false
    }
  }

  /// A violation for each id in `directive` that names no rule, with the closest id.
  static func unknownRules(in directive: SuppressionDirective) -> [RuleViolation] {
    directive.rules.filter { !AllRules.ids.contains($0) }.map { id in
      RuleViolation(
        offset: directive.offset,
        message: "the ignore comment names '\(id)', which is no rule\(Suggestion.hint(for: id, in: AllRules.ids.sorted())): it silences nothing",
        help: "`pgtune-query rules` lists the rule ids")
    }
  }

  func unknownRuleFindings(configuration: Configuration) -> [Finding] {
    let description = DirectiveFindings.unknownRule
    guard configuration.isEnabled(description.id) else { return [] }
    let severity = configuration.rules[description.id]?.severity ?? description.defaultSeverity
    return directives.flatMap(Self.unknownRules).map {
      Finding(rule: description.id, severity: severity, message: $0.message, offset: $0.offset, help: $0.help)
    }
  }
}
