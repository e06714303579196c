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

  /// Found by the envelope fuzz harness: a damaged header claiming 4 GiB for a few bytes made the
  /// reader allocate (and zero) the 4 GiB before zlib said no.
  @Test func aLengthNoDeflateStreamCouldReachIsRefusedWithoutAllocatingIt() {
    var bytes = ValueEnvelope(payload: Array(repeating: 7, count: 5_000), expiresAt: nil).encoded()
    #expect(bytes[5] & 1 == 1, "the value is stored compressed")
    bytes.replaceSubrange(16..<20, with: [0xff, 0xff, 0xff, 0xff])
    let before = Self.peakResidentKilobytes()
    #expect(ValueEnvelope.decode(bytes) == nil)
    #expect(Self.peakResidentKilobytes() - before < 512 * 1_024, "peak memory grew by the claimed length")
  }

  static func peakResidentKilobytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
  }
}
