import Foundation

/// Host, port and credentials of a shared tier, parsed from `redis://[user:password@]host:port/db`
/// or `memcached://host:port`. Printed without the password.
struct StoreEndpoint: Sendable, CustomStringConvertible {
  let scheme: String
  let host: String
  let port: Int
  let user: String?
  let password: String?
  let database: Int

  init?(url: String, scheme: String, defaultPort: Int) {
    guard let components = URLComponents(string: url), components.scheme == scheme,
      let host = components.host, !host.isEmpty
    else { return nil }
    self.scheme = scheme
    self.host = host
    port = components.port ?? defaultPort
    user = components.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
    password = components.password.flatMap { $0.removingPercentEncoding }
    let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    guard path.isEmpty || Int(path) != nil else { return nil }
    database = Int(path) ?? 0
  }

  var description: String {
    "\(scheme)://\(user.map { "\($0)@" } ?? "")\(host):\(port)\(database == 0 ? "" : "/\(database)")"
  }

  /// A URL for messages: the password replaced by `***`.
  static func redacted(_ url: String) -> String { Redaction.redact(url) }
}
