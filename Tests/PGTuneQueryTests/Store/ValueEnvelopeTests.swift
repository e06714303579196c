import Foundation
import PGTuneQuery
import Testing

struct ValueEnvelopeTests {
  @Test func smallValuesAreStoredAsTheyAre() throws {
    let envelope = ValueEnvelope(payload: Array("short".utf8), expiresAt: nil)
    let bytes = envelope.encoded()
    #expect(bytes.count == 20 + 5)
    let decoded = try #require(ValueEnvelope.decode(bytes))
    #expect(decoded.payload == Array("short".utf8))
    #expect(!decoded.wasCompressed)
    #expect(decoded.expiresAt == nil)
  }

  @Test func largeValuesAreCompressedWithTheirExpiry() throws {
    let payload = Array(String(repeating: "SELECT * FROM orders WHERE id = 1; ", count: 200).utf8)
    let bytes = ValueEnvelope(payload: payload, expiresAt: 1_900_000_000).encoded()
    #expect(bytes.count < payload.count / 4)
    let decoded = try #require(ValueEnvelope.decode(bytes))
    #expect(decoded.payload == payload)
    #expect(decoded.wasCompressed)
    #expect(decoded.expiresAt == 1_900_000_000)
  }

  @Test func foreignOrDamagedBytesAreNotValues() {
    #expect(ValueEnvelope.decode(Array("hello world, not ours at all".utf8)) == nil)
    var bytes = ValueEnvelope(payload: Array(repeating: 7, count: 5_000), expiresAt: nil).encoded()
    bytes[bytes.count / 2] ^= 0xff
    bytes.removeLast(3)
    #expect(ValueEnvelope.decode(bytes) == nil)
  }
}
