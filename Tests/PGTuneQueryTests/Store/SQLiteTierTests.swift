import Foundation
import PGTuneQuery
import TestSupport
import Testing

/// The embedded SQLite tier on a real file: round trips, expiry, concurrent writers, and
/// recovery from files that are not (or no longer) a store.
struct SQLiteTierTests {
  static func scratchPath(_ name: String = #function) -> String {
    let directory = NSTemporaryDirectory() + "pgtq-sqlite-\(getpid())-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/store.sqlite"
  }

  @Test func roundTripScanAndClear() throws {
    let tier = try SQLiteTier(path: Self.scratchPath())
    try tier.set(StoreKey("history", "f1:2"), [2], ttl: nil)
    try tier.set(StoreKey("history", "f1:1"), [1], ttl: nil)
    try tier.set(StoreKey("history", "f2:1"), [3], ttl: nil)
    try tier.set(StoreKey("analysis", "f1"), [9], ttl: nil)
    #expect(try tier.get(StoreKey("analysis", "f1")) == [9])
    #expect(try tier.scan(namespace: "history", prefix: "f1:").map(\.key) == ["f1:1", "f1:2"])
    try tier.clear(namespace: "history")
    #expect(try tier.scan(namespace: "history", prefix: "").isEmpty)
    #expect(try tier.usage() == TierUsage(entries: 1, bytes: 1))
  }

  @Test func entriesExpireAndVacuumDropsThem() throws {
    let clock = ManualClock()
    let tier = try SQLiteTier(path: Self.scratchPath(), clock: clock.storeClock)
    try tier.set(StoreKey("analysis", "x"), [1], ttl: 1)
    try tier.set(StoreKey("analysis", "y"), [2], ttl: nil)
    #expect(try tier.get(StoreKey("analysis", "x")) == [1])
    clock.advance(seconds: 0.9)
    #expect(try tier.get(StoreKey("analysis", "x")) == [1])
    clock.advance(seconds: 0.2)
    #expect(try tier.get(StoreKey("analysis", "x")) == nil)
    #expect(try tier.vacuum() == 1)
    #expect(try tier.usage().entries == 1)
  }

  @Test func walModeAndSchemaVersionAreSet() throws {
    let path = Self.scratchPath()
    _ = try SQLiteTier(path: path)
    let header = try #require(FileManager.default.contents(atPath: path))
    #expect(header.prefix(16) == Data("SQLite format 3\0".utf8))
    // Bytes 18-19 are 2 in WAL mode; application_id (offset 68) is "PGTQ".
    #expect(header[18] == 2 && header[19] == 2)
    #expect(Array(header[68..<72]) == Array("PGTQ".utf8))
    #expect(header[60..<64].last == 1)
  }

  @Test func twoWritersAtOnceLoseNothing() throws {
    let path = Self.scratchPath()
    let first = try SQLiteTier(path: path)
    let second = try SQLiteTier(path: path)
    DispatchQueue.concurrentPerform(iterations: 2) { writer in
      let tier = writer == 0 ? first : second
      for index in 0..<300 {
        try? tier.set(StoreKey("history", "w\(writer):\(String(format: "%04d", index))"), [UInt8(writer)], ttl: nil)
      }
    }
    #expect(try first.scan(namespace: "history", prefix: "w0:").count == 300)
    #expect(try second.scan(namespace: "history", prefix: "w1:").count == 300)
  }

  @Test func aFileOfGarbageIsMovedAsideAndRebuilt() throws {
    let path = Self.scratchPath()
    try Data(repeating: 0x5a, count: 8_192).write(to: URL(fileURLWithPath: path))
    let warnings = WarningSink()
    let tier = try SQLiteTier(path: path, warnings: warnings)
    try tier.set(StoreKey("analysis", "k"), [1], ttl: nil)
    #expect(try tier.get(StoreKey("analysis", "k")) == [1])
    let messages = warnings.drain()
    #expect(messages.count == 1)
    #expect(messages.first?.contains(".corrupt-") == true)
    let siblings = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
    #expect(siblings.contains { $0.hasPrefix("store.sqlite.corrupt-") })
  }

  @Test func anotherProgramsDatabaseIsNotUsedAsAStore() throws {
    let path = Self.scratchPath()
    // Someone else's SQLite database, made by another SQLite client (Python's).
    try runAndWait([
      "python3", "-c",
      "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE invoices (id integer)'); c.execute('INSERT INTO invoices VALUES (1)'); c.commit()",
      path,
    ])
    let warnings = WarningSink()
    let tier = try SQLiteTier(path: path, warnings: warnings)
    #expect(try tier.usage().entries == 0)
    #expect(warnings.drain().first?.contains("not a pgtune-query store") == true)
    let siblings = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
    #expect(siblings.contains { $0.hasPrefix("store.sqlite.corrupt-") })
  }

  @Test func damageFoundMidRunIsRecoveredAndTheWriteKept() throws {
    let path = Self.scratchPath()
    do {
      let tier = try SQLiteTier(path: path)
      for index in 0..<2_000 {
        try tier.set(StoreKey("history", String(format: "k%05d", index)), Array(repeating: 1, count: 200), ttl: nil)
      }
      _ = try tier.vacuum()
    }
    let warnings = WarningSink()
    let tier = try SQLiteTier(path: path, warnings: warnings)
    // Overwrite the middle of the file (b-tree pages) behind the open connection's back.
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seek(toOffset: 8_192)
    handle.write(Data(repeating: 0xee, count: 64 * 1_024))
    try handle.close()
    _ = try? tier.scan(namespace: "history", prefix: "")
    try tier.set(StoreKey("analysis", "after"), [42], ttl: nil)
    #expect(try tier.get(StoreKey("analysis", "after")) == [42])
    #expect(warnings.drain().contains { $0.contains(".corrupt-") })
  }

}
