import Foundation

/// Which log files `report` has already recorded in the store, and how far — so that a log read
/// twice (a cron job, a re-shipped or rotated file) is counted once, and a growing log is read from
/// where the last run stopped, as pgBadger's last-parsed state does.
///
/// A file is known by its first line (timestamp and pid make it unique among a server's logs,
/// and it does not change as the file grows); the entry keeps the offset reached and a digest of
/// the bytes just before it, which must still be there for the file to be the same one grown.
/// Standard input has no identity and is always read.
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
    guard let key = firstLineKey(handle) else { return (.readAll, nil) }
    guard let bytes = store.get(StoreKey(StoreNamespace.inputs.rawValue, key)),
      let entry = try? JSONDecoder().decode(Entry.self, from: Data(bytes))
    else { return (.readAll, key) }
    let size = Int((try? handle.seekToEnd()) ?? 0)
    guard size >= entry.offset, tail(handle, before: entry.offset) == entry.tail else { return (.readAll, key) }
    if size == entry.offset { return (.skip(recordedAt: Date(timeIntervalSince1970: entry.recordedAt)), key) }
    return (.readFrom(offset: entry.offset), key)
  }

  /// Notes that `path` is recorded up to `offset` (its size when it was read).
  public static func remember(path: String, key: String, offset: Int, store: TieredStore, now: Date = Date()) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return }
    defer { try? handle.close() }
    let entry = Entry(offset: offset, tail: tail(handle, before: offset), path: path, recordedAt: now.timeIntervalSince1970)
    guard let data = try? JSONEncoder().encode(entry) else { return }
    store.set(StoreKey(StoreNamespace.inputs.rawValue, key), Array(data), ttl: nil)
  }

  /// A digest of the first line (up to `window` bytes); nil when there is no complete line.
  static func firstLineKey(_ handle: FileHandle) -> String? {
    guard (try? handle.seek(toOffset: 0)) != nil, let head = try? handle.read(upToCount: window),
      let end = head.firstIndex(of: 0x0A)
    else { return nil }
    var hash = StableHash()
    hash.add(bytes: head[head.startIndex...end])
    return hash.hex
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
