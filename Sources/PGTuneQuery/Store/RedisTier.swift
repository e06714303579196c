internal import CHiredis
import Foundation

/// A shared tier on Redis (`redis://[user:password@]host:port/db`), through hiredis. Entries use
/// Redis's own expiry; keys are prefixed (`SharedKeyspace`) so the tool can share a server with others.
public final class RedisTier: StoreTier, @unchecked Sendable {
  public let kind = "redis"
  public let location: String
  /// hiredis contexts are not thread-safe: every call holds the lock.
  private let lock = NSLock()
  private let client: RedisClient
  public let keyspace: SharedKeyspace

  public init(url: String, keyspace: SharedKeyspace = SharedKeyspace(), timeoutMilliseconds: Int = 2_000) throws(StoreError) {
    self.keyspace = keyspace
    guard let endpoint = StoreEndpoint(url: url, scheme: "redis", defaultPort: 6379) else {
      throw StoreError(tier: "redis", "not a redis:// URL: \(StoreEndpoint.redacted(url))")
    }
    location = endpoint.description
    client = (try RedisClient(endpoint: endpoint, timeoutMilliseconds: timeoutMilliseconds))
  }

  public func get(_ key: StoreKey) throws(StoreError) -> [UInt8]? {
    try command { client throws(StoreError) in try client.call(["GET", keyspace.qualified(key)]).bytes }
  }

  public func set(_ key: StoreKey, _ value: [UInt8], ttl: Int?) throws(StoreError) {
    try command { client throws(StoreError) in
      var arguments: [[UInt8]] = [Array("SET".utf8), Array(keyspace.qualified(key).utf8), value]
      if let ttl { arguments += [Array("EX".utf8), Array(String(max(1, ttl)).utf8)] }
      _ = try client.call(arguments)
    }
  }

  /// MGET in batches: one round trip per 500 keys instead of one per key.
  public func getMany(_ keys: [StoreKey]) throws(StoreError) -> [StoreKey: [UInt8]] {
    try command { client throws(StoreError) in
      var found: [StoreKey: [UInt8]] = [:]
      for (key, value) in zip(keys, try client.values(of: keys.map(keyspace.qualified))) {
        if let value { found[key] = value }
      }
      return found
    }
  }

  public func delete(_ key: StoreKey) throws(StoreError) {
    try command { client throws(StoreError) in _ = try client.call(["DEL", keyspace.qualified(key)]) }
  }

  public func scan(namespace: String, prefix: String) throws(StoreError) -> [(key: String, value: [UInt8])] {
    try command { client throws(StoreError) in
      let qualifiedPrefix = keyspace.namespacePrefix(namespace)
      let keys = try client.keys(matching: Self.globEscaped(qualifiedPrefix + prefix) + "*")
      var result: [(key: String, value: [UInt8])] = []
      for (key, value) in zip(keys, try client.values(of: keys)) {
        if let value { result.append((String(key.dropFirst(qualifiedPrefix.count)), value)) }
      }
      return result.sorted { $0.key < $1.key }
    }
  }

  public func clear(namespace: String?) throws(StoreError) {
    try command { client throws(StoreError) in
      let pattern = Self.globEscaped(namespace.map(keyspace.namespacePrefix) ?? keyspace.prefix) + "*"
      let keys = try client.keys(matching: pattern)
      for batch in stride(from: 0, to: keys.count, by: 500) {
        _ = try client.call(["UNLINK"] + Array(keys[batch..<min(batch + 500, keys.count)]))
      }
    }
  }

  /// Redis drops expired keys itself.
  public func vacuum() throws(StoreError) -> Int { 0 }

  public func usage() throws(StoreError) -> TierUsage {
    try command { client throws(StoreError) in
      let keys = try client.keys(matching: Self.globEscaped(keyspace.prefix) + "*")
      let bytes = try client.values(of: keys).reduce(0) { $0 + ($1?.count ?? 0) }
      return TierUsage(entries: keys.count, bytes: bytes)
    }
  }

  private func command<T>(_ body: (RedisClient) throws(StoreError) -> T) throws(StoreError) -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(client)
  }

  /// SCAN MATCH takes a glob; our keys are plain, but escape anyway.
  static func globEscaped(_ text: String) -> String {
    var escaped = ""
    for character in text {
      if "*?[]\\".contains(character) { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }
}

/// A reply from Redis, copied out of hiredis's reply object.
struct RedisReply {
  var bytes: [UInt8]?
  var integer: Int64?
  var elements: [RedisReply] = []
}

/// The only Swift file that touches hiredis. One blocking connection with connect and I/O
/// timeouts, so a server that stops answering costs at most one timeout, never a hang.
final class RedisClient {
  private let context: UnsafeMutablePointer<redisContext>
  private let endpoint: StoreEndpoint

  init(endpoint: StoreEndpoint, timeoutMilliseconds: Int) throws(StoreError) {
    let timeout = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
    guard let context = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), timeout) else {
      throw StoreError(tier: "redis", "\(endpoint): out of memory")
    }
    self.endpoint = endpoint
    if context.pointee.err != 0 {
      let message = Self.errorText(context)
      redisFree(context)
      throw StoreError(tier: "redis", "cannot connect to \(endpoint): \(message)")
    }
    redisSetTimeout(context, timeout)
    self.context = context
    if let password = endpoint.password {
      _ = try call(["AUTH"] + (endpoint.user.map { [$0] } ?? []) + [password])
    }
    if endpoint.database != 0 { _ = try call(["SELECT", String(endpoint.database)]) }
  }

  deinit { redisFree(context) }

  func call(_ arguments: [String]) throws(StoreError) -> RedisReply {
    try call(arguments.map { Array($0.utf8) })
  }

  /// Sends one command (binary-safe arguments) and reads its reply; a Redis error reply or a
  /// broken connection becomes a `StoreError`.
  func call(_ arguments: [[UInt8]]) throws(StoreError) -> RedisReply {
    var buffer: [UInt8] = []
    buffer.reserveCapacity(arguments.reduce(0) { $0 + $1.count })
    var offsets: [Int] = []
    for argument in arguments {
      offsets.append(buffer.count)
      buffer.append(contentsOf: argument)
    }
    let lengths = arguments.map(\.count)
    let raw: UnsafeMutableRawPointer? = buffer.withUnsafeBufferPointer { bytes in
      let base = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!)
      var pointers: [UnsafePointer<CChar>?] = offsets.map { base.advanced(by: $0).assumingMemoryBound(to: CChar.self) }
      return pointers.withUnsafeMutableBufferPointer { argv in
        lengths.withUnsafeBufferPointer { argvlen in
          redisCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
        }
      }
    }
    guard let raw else {
      throw StoreError(tier: "redis", "\(endpoint): \(Self.errorText(context))")
    }
    let reply = raw.assumingMemoryBound(to: redisReply.self)
    defer { freeReplyObject(raw) }
    if reply.pointee.type == REDIS_REPLY_ERROR {
      throw StoreError(tier: "redis", "\(endpoint): \(String(decoding: Self.bytes(reply) ?? [], as: UTF8.self))")
    }
    return Self.copy(reply)
  }

  /// The values of keys (nil where absent), by MGET: one round trip per 500 keys.
  func values(of keys: [String]) throws(StoreError) -> [[UInt8]?] {
    var values: [[UInt8]?] = []
    values.reserveCapacity(keys.count)
    for start in stride(from: 0, to: keys.count, by: 500) {
      let reply = try call(["MGET"] + Array(keys[start..<min(start + 500, keys.count)]))
      values += reply.elements.map(\.bytes)
    }
    return values
  }

  /// Every key matching a glob, by SCAN (never KEYS, which blocks the server).
  func keys(matching pattern: String) throws(StoreError) -> [String] {
    var cursor = "0"
    var keys: [String] = []
    repeat {
      let reply = try call(["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"])
      guard reply.elements.count == 2, let next = reply.elements[0].bytes else {
        throw StoreError(tier: "redis", "\(endpoint): unexpected SCAN reply")
      }
      cursor = String(decoding: next, as: UTF8.self)
      keys += reply.elements[1].elements.compactMap { $0.bytes.map { String(decoding: $0, as: UTF8.self) } }
    } while cursor != "0"
    return keys
  }

  private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
    switch reply.pointee.type {
    case REDIS_REPLY_STRING, REDIS_REPLY_STATUS: return RedisReply(bytes: bytes(reply))
    case REDIS_REPLY_INTEGER: return RedisReply(integer: reply.pointee.integer)
    case REDIS_REPLY_ARRAY:
      let count = Int(reply.pointee.elements)
      var elements: [RedisReply] = []
      for index in 0..<count {
        if let element = reply.pointee.element[index] { elements.append(copy(element)) }
      }
      return RedisReply(elements: elements)
    default: return RedisReply()
    }
  }

  private static func bytes(_ reply: UnsafeMutablePointer<redisReply>) -> [UInt8]? {
    guard let text = reply.pointee.str else { return nil }
    return Array(UnsafeRawBufferPointer(start: text, count: Int(reply.pointee.len)))
  }

  private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
    withUnsafeBytes(of: context.pointee.errstr) { raw in
      let text = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      return text.isEmpty ? "connection lost" : text
    }
  }
}
