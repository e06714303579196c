import Foundation

/// Reads the inputs named on the command line, collecting the ones that cannot be read.
public enum SourceLoader {
  public static func load(_ paths: [String], plans planPaths: [String] = [], stdinName: String)
    -> (sources: [SourceFile], plans: [SourceFile], problems: [SourceError])
  {
    var sources: [SourceFile] = []
    var plans: [SourceFile] = []
    var problems: [SourceError] = []
    for path in planPaths {
      do {
        plans.append(try SourceFile.read(path: path))
      } catch {
        problems.append(error)
      }
    }
    for path in expandDirectories(paths, problems: &problems) {
      do {
        if path == "-" {
          let source = SourceFile(name: stdinName, bytes: StandardInput.readAll())
          try source.validate()
          sources.append(source)
        } else {
          sources.append(try SourceFile.read(path: path))
        }
      } catch {
        problems.append(error)
      }
    }
    return (sources, plans, problems)
  }

  /// A directory stands for the `*.sql` files below it, in a stable (sorted) order; symlinked
  /// directories are followed once each, so a link back up cannot loop. An empty directory is a
  /// problem worth saying.
  static func expandDirectories(_ paths: [String], problems: inout [SourceError]) -> [String] {
    var result: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
        result.append(path)
        continue
      }
      var visited = Set<String>()
      let found = sqlFiles(in: path, visited: &visited)
      if found.isEmpty { problems.append(SourceError(file: path, message: "is a directory without .sql files")) }
      result += found
    }
    return result
  }

  private static func sqlFiles(in directory: String, visited: inout Set<String>) -> [String] {
    let real = (directory as NSString).resolvingSymlinksInPath
    guard visited.insert(real).inserted,
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else { return [] }
    var files: [String] = []
    for name in names.sorted() where !name.hasPrefix(".") {
      let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        files += sqlFiles(in: path, visited: &visited)
      } else if name.lowercased().hasSuffix(".sql") {
        files.append(path)
      }
    }
    return files
  }
}

/// Standard input read with `read(2)`: a closed descriptor is empty input, not a crash
/// (FileHandle traps on a descriptor that is not open).
public enum StandardInput {
  public static func readAll() -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
      if count > 0 {
        bytes.append(contentsOf: buffer[0..<count])
      } else if count < 0 && errno == EINTR {
        continue
      } else {
        return bytes
      }
    }
  }
}
