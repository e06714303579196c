import Foundation
import PGTuneQueryReporters
import Testing

/// The writer's string escapes, and parts joined from several writers read as one document.
@Suite struct JSONWriterTests {
  @Test func escapesQuotesBackslashesAndControlCharacters() {
    var json = JSONWriter()
    json.beginArray()
    json.value("a\"b\\c\nd\re\tf\u{1}g\u{1F}h\u{7F}é😀")
    json.endArray()
    #expect(json.string == #"["a\"b\\c\nd\re\tf\u0001g\u001fh"# + "\u{7F}é😀\"]")
    let decoded = try? JSONSerialization.jsonObject(with: Data(json.string.utf8)) as? [String]
    #expect(decoded == ["a\"b\\c\nd\re\tf\u{1}g\u{1F}h\u{7F}é😀"])
  }

  /// Strings are scanned eight bytes at a time: an escape at every offset within a word, runs of
  /// them, multi-byte characters across word boundaries all come back as they went in.
  @Test func escapesAtEveryPositionOfAWord() throws {
    let specials: [Character] = ["\"", "\\", "\n", "\t", "\u{1}", "\u{1F}", "é", "😀", " ", "!", "#", "\u{7F}"]
    var generator = SystemRandomNumberGenerator()
    var strings: [String] = []
    for length in 0..<40 {
      for special in specials {
        for position in 0..<max(1, length) {
          var text = String(repeating: "a", count: length)
          if length > 0 {
            text = String(text.prefix(position)) + String(special) + String(text.dropFirst(position + 1))
          }
          strings.append(text)
        }
      }
    }
    for _ in 0..<500 {
      strings.append(String((0..<Int.random(in: 0..<64, using: &generator)).map { _ in specials.randomElement(using: &generator)! }))
    }
    var json = JSONWriter()
    json.beginArray()
    for text in strings { json.value(text) }
    json.endArray()
    let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.string.utf8)) as? [String])
    #expect(decoded == strings)
  }

  @Test func partsJoinIntoTheSameDocumentAsOneWriter() {
    var whole = JSONWriter(indent: 2)
    whole.beginObject()
    whole.key("items")
    whole.beginArray()
    for index in 0..<5 { whole.value("item \(index)") }
    whole.endArray()
    whole.endObject()

    var joined = JSONWriter(indent: 2)
    joined.beginObject()
    joined.key("items")
    joined.beginArray()
    let parts = [0..<2, 2..<2, 2..<5].map { range in
      var part = JSONWriter(indent: 2, elementsAtDepth: 2)
      for index in range { part.value("item \(index)") }
      return part.string
    }
    joined.appendElements(of: parts)
    joined.endArray()
    joined.endObject()
    #expect(joined.takeString() == whole.string)
  }
}
