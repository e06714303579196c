import Foundation

/// Which log files `report` has already recorded in the store, and how far — so that a log read
/// twice (a cron job, a re-shipped or rotated file) is counted once, and a growing log is read from
/// where the last run stopped, as pgBadger's last-parsed state does.
///
/// A file is known by its first line (timestamp and pid make it unique among a server's logs,
/// and it does not change as the file grows); the entry keeps the offset reached and a digest of
/// the bytes just before it, which must still be there for the file to be the same one grown.
/// Standard input has no identity and is always read. A gzip log is known by what it inflates
/// to, so that the rotated and compressed copy of a log already read (`postgresql.log` read at
/// noon, `postgresql.log.1.gz` after midnight) is skipped, or read from where the plain file
/// stopped; offsets of a gzip log count inflated bytes.
public enum InputLedger {
  /// How much of the file the first-line key and the tail digest read.
  static let window = 4_096

  public enum Decision: Sendable, Equatable {
    /// Unknown, changed, or `--reread`: read it all.
    case readAll
    /// Recorded up to its end: nothing new.
    case skip(recordedAt: Date)
    /// Recorded up to `offset`, and it has grown since.
    case readFrom(offset: Int)
  }

  struct Entry: Codable {
    let offset: Int
    let tail: String
    let path: String
    let recordedAt: Double
  }

  /// What to do with `path`, and the key to remember it by (nil: no first line yet).
  public static func decide(path: String, store: TieredStore) -> (Decision, key: String?) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return (.readAll, nil) }
    defer { try? handle.close() }
    let compressed = isGzip(handle)
    guard let key = firstLineKey(handle, compressed: compressed) else { return (.readAll, nil) }
    guard let bytes = store.get(StoreKey(StoreNamespace.inputs.rawValue, key)),
      let entry = try? JSONDecoder().decode(Entry.self, from: Data(bytes))
    else { return (.readAll, key) }
    let (size, tailThere) =
      compressed
      ? inflatedSizeAndTail(handle, before: entry.offset)
      : (Int((try? handle.seekToEnd()) ?? 0), tail(handle, before: entry.offset))
    guard size >= entry.offset, tailThere == entry.tail else { return (.readAll, key) }
    if size == entry.offset { return (.skip(recordedAt: Date(timeIntervalSince1970: entry.recordedAt)), key) }
    return (.readFrom(offset: entry.offset), key)
  }

  /// Notes that `path` is recorded up to `offset` (its size when it was read; for a gzip log,
  /// nil: the size it inflates to is measured here).
  public static func remember(path: String, key: String, offset: Int?, store: TieredStore, now: Date = Date()) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return }
    defer { try? handle.close() }
    let reached: Int
    let tailDigest: String
    if let offset {
      (reached, tailDigest) = (offset, tail(handle, before: offset))
    } else {
      (reached, tailDigest) = inflatedSizeAndTail(handle, before: nil)
    }
    let entry = Entry(offset: reached, tail: tailDigest, path: path, recordedAt: now.timeIntervalSince1970)
    guard let data = try? JSONEncoder().encode(entry) else { return }
    store.set(StoreKey(StoreNamespace.inputs.rawValue, key), Array(data), ttl: nil)
  }

  /// Whether the file starts with gzip's magic number.
  public static func isGzip(_ handle: FileHandle) -> Bool {
    guard (try? handle.seek(toOffset: 0)) != nil, let head = try? handle.read(upToCount: 2) else { return false }
    return GzipDecoder.isGzip(head)
  }

  /// A digest of the first line (up to `window` bytes, inflated for gzip); nil when there is no
  /// complete line.
  static func firstLineKey(_ handle: FileHandle, compressed: Bool = false) -> String? {
    guard (try? handle.seek(toOffset: 0)) != nil else { return nil }
    var head = Data()
    if compressed {
      guard let gzip = GzipDecoder() else { return nil }
      while head.count < window, head.firstIndex(of: 0x0A) == nil, let block = try? handle.read(upToCount: 1 << 16), !block.isEmpty {
        head.append(gzip.inflate(block))
        if gzip.failure != nil { break }
      }
      head = head.prefix(window)
    } else {
      head = (try? handle.read(upToCount: window)) ?? Data()
    }
    guard let end = head.firstIndex(of: 0x0A) else { return nil }
    var hash = StableHash()
    hash.add(bytes: head[head.startIndex...end])
    return hash.hex
  }

  /// Inflates the whole gzip log: the size it inflates to, and the digest `tail(before:)` gives
  /// for the inflated bytes before `offset` (before the end when nil).
  static func inflatedSizeAndTail(_ handle: FileHandle, before offset: Int?) -> (size: Int, tail: String) {
    guard (try? handle.seek(toOffset: 0)) != nil, let gzip = GzipDecoder() else { return (0, "") }
    var size = 0
    // The last `window` inflated bytes before `offset` (or before the end).
    var kept = Data()
    while let block = try? handle.read(upToCount: 1 << 20), !block.isEmpty {
      let inflated = gzip.inflate(block)
      let usable = offset.map { inflated.prefix(max(0, $0 - size)) } ?? inflated[...]
      kept.append(usable)
      if kept.count > window { kept = kept.suffix(window) }
      size += inflated.count
      if gzip.failure != nil { break }
    }
    let end = offset.map { min($0, size) } ?? size
    var hash = StableHash()
    hash.add(bytes: kept.suffix(min(window, end)))
    hash.add(String(min(window, end)))
    return (size, hash.hex)
  }

  /// A digest of the `window` bytes before `offset`.
  static func tail(_ handle: FileHandle, before offset: Int) -> String {
    let start = max(0, offset - window)
    var hash = StableHash()
    if (try? handle.seek(toOffset: UInt64(start))) != nil, let bytes = try? handle.read(upToCount: offset - start) {
      hash.add(bytes: bytes)
    }
    hash.add(String(offset - start))
    return hash.hex
  }
}
