import PGTuneQuery

/// `--format junit`: JUnit XML, one test case per statement; findings at or above `failOn` are
/// failures, others are listed in system-out.
public enum JUnitReporter {
  public static func render(_ files: [FileAnalysis], failOn: Severity) -> String {
    var cases = ""
    var tests = 0
    var failures = 0
    for file in files {
      for statement in file.statements {
        tests += 1
        let position = file.text.position(ofByte: statement.start)
        let name = statement.name ?? statement.fingerprint ?? "statement"
        let failing = statement.findings.filter { $0.severity >= failOn }
        cases += "    <testcase classname=\"\(escape(file.source.name))\" name=\"\(escape("\(file.source.name):\(position) \(name)"))\""
        cases += " file=\"\(escape(file.source.name))\" line=\"\(position.line)\">\n"
        if !failing.isEmpty {
          failures += 1
          let summary = failing.map { "[\($0.rule)] \($0.message)" }.joined(separator: "; ")
          let details = failing.map { finding in
            let at = file.text.position(ofByte: finding.offset)
            return "\(file.source.name):\(at): \(finding.severity.rawValue): [\(finding.rule)] \(finding.message)"
          }.joined(separator: "\n")
          cases += "      <failure message=\"\(escape(summary))\" type=\"\(escape(failing[0].rule))\">\(escape(details))</failure>\n"
        }
        let others = statement.findings.filter { $0.severity < failOn }
        if !others.isEmpty {
          cases += "      <system-out>\(escape(others.map { "[\($0.rule)] \($0.message)" }.joined(separator: "\n")))</system-out>\n"
        }
        cases += "    </testcase>\n"
      }
    }
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites name=\"pgtune-query\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
    xml += "  <testsuite name=\"pgtune-query\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
    xml += cases
    xml += "  </testsuite>\n</testsuites>\n"
    return xml
  }

  /// XML escaping, and control characters XML 1.0 cannot hold replaced.
  static func escape(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "\n", "\t", "\r": result.unicodeScalars.append(scalar)
      case _ where scalar.value < 0x20: result += "?"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}

extension JUnitReporter {
  public static let format = OutputFormat<AnalysisReport>(
    name: "junit", summary: "JUnit XML, a failing test case per finding at or above --fail-on"
  ) { render($0.files, failOn: $0.failOn) }
}
