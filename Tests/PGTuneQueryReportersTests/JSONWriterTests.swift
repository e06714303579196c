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
