import Foundation
@testable import PGTuneQuery
@testable import PGTuneQueryCore
import Testing

/// The report's per-line shortcuts give what the standard readings they replace give.
@Suite struct LogFastPathTests {
  /// Durations read by hand are the Double that `Double(String)` reads, to the last bit, for
  /// the shapes logs write (`%.3f`) and the ones around them (no decimals, one, many; long
  /// integer parts past the hand reading's 12 digits; leading zeros).
  @Test func durationsReadByHandAreTheStandardReading() {
    var generator = SystemRandomNumberGenerator()
    var texts = ["0", "0.000", "0.001", "1.", "007.250", "123456789012.999", "1234567890123.999", "99999999999.9999", "12.3456789", "1e3", "+5.0", "4.5.6", ".5"]
    for _ in 0..<20_000 {
      let whole = String(UInt64.random(in: 0...999_999_999_999, using: &generator) >> UInt64.random(in: 0...40, using: &generator))
      let decimals = Int.random(in: 0...4, using: &generator)
      let fraction = String((0..<decimals).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
      texts.append(decimals == 0 ? whole : whole + "." + fraction)
    }
    for text in texts {
      let classified = LogMessage.classify("duration: \(text) ms"[...])
      if let expected = Double(text), expected.isFinite, expected >= 0 {
        #expect(classified == .duration(LogMessage.exactlySummable(expected)), "\(text)")
      } else {
        #expect(classified == .other, "\(text)")
      }
    }
  }

  @Test func messageShapesKeepTheirText() {
    #expect(LogMessage.classify("duration: 1.500 ms  statement: SELECT 'é'"[...]) == .query(durationMilliseconds: 1.5, text: "SELECT 'é'"))
    #expect(LogMessage.classify("duration: 2 ms  execute S_1: SELECT 1"[...]) == .query(durationMilliseconds: 2, text: "SELECT 1"))
    #expect(LogMessage.classify("duration: 2 ms  execute <unnamed>"[...]) == .other)
    #expect(LogMessage.classify("duration: 2 ms  plan:\n\tQuery Text: x"[...]) == .plan(durationMilliseconds: 2, text: "\n\tQuery Text: x"))
    #expect(LogMessage.classify("duration: 2 ms  bind S_1: SELECT 1"[...]) == .protocolStep)
    #expect(LogMessage.classify("duration: 2 msx"[...]) == .other)
    #expect(LogMessage.classify("statement: ÜPDATE"[...]) == .statement("ÜPDATE"))
    #expect(LogMessage.classify("temporary file: path \"base/pgsql_tmp/x\", size 8192"[...]) == .tempFile(bytes: 8192))
    #expect(LogMessage.classify("process 12 acquired ShareLock on transaction 7 after 1500.5 ms"[...]) == .lockWait(milliseconds: 1500.5, acquired: true))
    #expect(LogMessage.classify("process 12 exited"[...]) == .other)
    // A message cut out of a longer line (a Substring not at its string's start).
    let line = "2024-05-01 10:00:00 UTC [1] LOG:  duration: 3.250 ms  statement: SELECT 2"
    let message = line[line.range(of: "duration")!.lowerBound...]
    #expect(LogMessage.classify(message) == .query(durationMilliseconds: 3.25, text: "SELECT 2"))
  }

  /// The plan trimming is Foundation's `.whitespacesAndNewlines` trimming.
  @Test func planTextIsTrimmedAsFoundationTrimsIt() {
    let blanks = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2003}", "\u{2028}", "\u{2029}", "\u{3000}", "\u{200B}", "\u{FEFF}"]
    let ascii = (0..<128).map { String(Unicode.Scalar(UInt8($0))) }
    let cores = ["", "Query Text: SELECT 1", "{\"Plan\": 1}", "é\u{301}", "a b"] + ascii.map { "x" + $0 + "y" }
    for left in blanks + ascii + ["", "  \n\t"] {
      for right in blanks + ["", "\n\u{3000}"] {
        for core in cores {
          let text = left + core + right
          #expect(LoggedPlan.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(text.unicodeScalars))")
        }
      }
    }
  }

  /// Per-minute counts are the same whether a log stays in a minute, comes back to one, or has
  /// timestamps too short or not ASCII after the minute.
  @Test func perMinuteCountsSurviveMinutesComingBack() throws {
    let lines = [
      "2024-05-01 10:00:01 UTC [1] LOG:  duration: 1.000 ms  statement: SELECT 1",
      "2024-05-01 10:00:02 UTC [1] LOG:  duration: 2.000 ms  statement: SELECT 1",
      "2024-05-01 10:01:00 UTC [1] LOG:  duration: 4.000 ms  statement: SELECT 1",
      "2024-05-01 10:00:59 UTC [2] LOG:  duration: 8.000 ms  statement: SELECT 1",
      "2024-05-01 10:01é UTC [2] LOG:  duration: 16.000 ms  statement: SELECT 1",
    ]
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgtq-minutes-\(UUID().uuidString)").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(lines.joined(separator: "\n").utf8)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let handle = try #require(FileHandle(forReadingAtPath: path))
    let (report, _) = LogReader().read(handle)
    #expect(report.totalQueries == 5)
    #expect(report.perMinute.count == 2)
    #expect(report.perMinute["2024-05-01 10:00"]?.count == 3)
    #expect(report.perMinute["2024-05-01 10:00"]?.milliseconds == 11)
    #expect(report.perMinute["2024-05-01 10:01"]?.count == 2)
    #expect(report.perMinute["2024-05-01 10:01"]?.milliseconds == 20)
  }

  /// The byte search finds what Foundation's `range(of:)` finds, at the same place, also in a
  /// slice of a longer string and in text that is not ASCII.
  @Test func byteSearchFindsWhatRangeOfFinds() {
    let texts = [
      "Seq Scan on orders  (cost=0.00..1.00 rows=1 width=4)", "  (cost=", " (cost=", "", "é  (cost=1", "x  (cos",
      "Filter: (a = ANY ('{1,2}'::integer[]))", "ü: ü: ", String(repeating: "a", count: 5_000) + "  (cost=9",
    ]
    for whole in texts {
      for text in [whole[...], whole.dropFirst(min(1, whole.count))] {
        for needle: StaticString in ["  (cost=", ": ", "(actual ", "rows="] {
          let expected = text.range(of: needle.description)
          #expect(text.firstASCIIRange(of: needle) == expected, "\(text.prefix(40)) / \(needle)")
        }
      }
    }
  }

  /// Cutting at line feeds on bytes gives the character split's lines, and a text with a
  /// carriage return is cut as the character split cuts it (`\r\n` is one character).
  @Test func lineFeedCutIsTheCharacterSplit() {
    let texts = ["", "\n", "a\n\nb\n", "Query Text: SELECT 1\nSeq Scan  (cost=0.00..1.00 rows=1 width=4)", "é\nü\n\u{301}x", "a\r\nb\rc\n", "\r\n\r\n"]
    for text in texts {
      for omitting in [true, false] {
        #expect(text.lineFeedSeparated(omittingEmptySubsequences: omitting) == text.split(separator: "\n", omittingEmptySubsequences: omitting), "\(Array(text.utf8))")
      }
    }
  }

  /// Shapes are told apart by their bytes, not only by their digest: with every digest the same,
  /// each shape still gets its own identity, and a repeat of one with other constants its own.
  @Test(arguments: [false, true])
  func queryShapesAreToldApartByTheirBytes(collide: Bool) {
    var identities = QueryIdentities()
    if collide { identities.digest = { _ in 42 } }
    let texts = ["SELECT 1", "SELECT a FROM t WHERE id = 5", "SELECT b FROM t WHERE id = 5", "not sql at all", "SELECT a FROM t WHERE id = 7"]
    var seen: [String] = []
    for text in texts {
      let identity: QueryIdentities.Identity
      switch identities.lookUp(text) {
      case .known(let known): identity = known
      case .unknown(let shape): identity = identities.make(shape, from: text, limit: 1_024)
      }
      #expect(identity.fingerprint == ((try? SQLText.fingerprint(text)) ?? identity.fingerprint))
      seen.append(identity.fingerprint)
    }
    #expect(Set(seen.prefix(4)).count == 4)
    #expect(seen[4] == seen[1])
    func known(_ text: String) -> QueryIdentities.Identity? {
      if case .known(let identity) = identities.lookUp(text) { return identity }
      return nil
    }
    #expect(known("SELECT b FROM t WHERE id = 99")?.fingerprint == seen[2])
    #expect(known("SELECT c FROM t") == nil)
    #expect(seen[3].hasPrefix("text:"))
  }
}
