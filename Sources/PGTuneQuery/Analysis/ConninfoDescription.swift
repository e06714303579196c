import Foundation

/// A password-free description of a connection string for messages: host, port, user, dbname.
public enum ConninfoDescription {
  public static func describe(_ conninfo: String) -> String {
    let environment = ProcessInfo.processInfo.environment
    var fields: [String: String] = [:]
    if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://"), let url = URLComponents(string: conninfo) {
      fields["host"] = url.host
      fields["port"] = url.port.map(String.init)
      fields["user"] = url.user
      let path = url.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
      if !path.isEmpty { fields["dbname"] = path }
    } else {
      for pair in conninfo.split(separator: " ") {
        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2, ["host", "hostaddr", "port", "user", "dbname", "service"].contains(parts[0]) {
          fields[parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
      }
    }
    let host = fields["host"] ?? fields["hostaddr"] ?? environment["PGHOST"] ?? "local socket"
    let port = fields["port"] ?? environment["PGPORT"] ?? "5432"
    var text = "host \(host), port \(port)"
    if let user = fields["user"] ?? environment["PGUSER"] { text += ", user \(user)" }
    if let database = fields["dbname"] ?? environment["PGDATABASE"] { text += ", database \(database)" }
    if let service = fields["service"] ?? environment["PGSERVICE"] { text += ", service \(service)" }
    return text
  }
}
