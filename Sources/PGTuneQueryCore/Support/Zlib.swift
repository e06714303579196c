internal import CZlib
import Foundation

/// The only Swift file that touches zlib: one-shot compression for store values, and a
/// streaming gzip reader for compressed logs.
package enum Zlib {
  package static func compress(_ input: [UInt8]) -> [UInt8]? {
    var capacity = compressBound(uLong(input.count))
    var output = [UInt8](repeating: 0, count: Int(capacity))
    let status = output.withUnsafeMutableBufferPointer { out in
      input.withUnsafeBufferPointer { source in
        compress2(out.baseAddress, &capacity, source.baseAddress, uLong(input.count), 6)
      }
    }
    guard status == Z_OK else { return nil }
    output.removeSubrange(Int(capacity)...)
    return output
  }

  /// Deflate expands at most 1032:1 (zlib's documented bound), so a length above this is a
  /// damaged header, refused before the output is allocated.
  static let maximumRatio = 1_032

  /// Nil unless `input` inflates to exactly `length` bytes.
  package static func decompress(_ input: [UInt8], length: Int) -> [UInt8]? {
    guard length > 0 else { return input.isEmpty ? [] : nil }
    // A corrupt store value claiming 4 GiB must not cost 4 GiB of memory to be found corrupt.
    guard length / maximumRatio <= input.count else { return nil }
    var size = uLongf(length)
    var output = [UInt8](repeating: 0, count: length)
    let status = output.withUnsafeMutableBufferPointer { out in
      input.withUnsafeBufferPointer { source in
        uncompress(out.baseAddress, &size, source.baseAddress, uLong(input.count))
      }
    }
    guard status == Z_OK, Int(size) == length else { return nil }
    return output
  }
}

/// Inflates a gzip stream block by block (several concatenated members, as `cat a.gz b.gz`
/// or logrotate produce, included).
package final class GzipDecoder {
  private var stream = z_stream()
  /// Inside a member (its end not seen yet): input that stops here is truncated.
  private var inMember = false
  package private(set) var failure: String?

  package init?() {
    // 15 + 16: a gzip wrapper, not raw zlib.
    guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
  }

  deinit { inflateEnd(&stream) }

  package static func isGzip(_ bytes: Data) -> Bool { bytes.count >= 2 && bytes[bytes.startIndex] == 0x1f && bytes[bytes.startIndex + 1] == 0x8b }

  /// The bytes `input` inflates to (may be empty while a member header is read).
  package func inflate(_ input: Data) -> Data {
    guard failure == nil, !input.isEmpty else { return Data() }
    var output = Data()
    var chunk = [UInt8](repeating: 0, count: 1 << 18)
    input.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
      stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
      stream.avail_in = uInt(source.count)
      while stream.avail_in > 0 {
        let (status, produced) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
          stream.next_out = out.baseAddress
          stream.avail_out = uInt(out.count)
          let status = CZlib.inflate(&stream, Z_NO_FLUSH)
          return (status, out.count - Int(stream.avail_out))
        }
        output.append(contentsOf: chunk[0..<produced])
        inMember = status != Z_STREAM_END
        if status == Z_STREAM_END {
          // Another member may follow.
          inflateReset(&stream)
          continue
        }
        if status == Z_BUF_ERROR && produced == 0 { break }
        guard status == Z_OK else {
          failure = stream.msg.map { String(cString: $0) } ?? "corrupt gzip data (zlib status \(status))"
          break
        }
      }
    }
    return output
  }

  /// Call at the end of the input: notes a stream cut off in the middle of a member.
  package func finish() {
    if inMember && failure == nil { failure = "the gzip data ends early (truncated file?)" }
  }
}
