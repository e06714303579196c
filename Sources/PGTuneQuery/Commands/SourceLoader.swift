import Foundation

/// Reads the inputs named on the command line, collecting the ones that cannot be read.
public enum SourceLoader {
  /// What the inputs became: SQL sources (psql scripts read as psql reads them, their includes
  /// after them), plan files, what could not be read, and notes on skipped meta-commands.
  public struct Loaded: Sendable {
    public var sources: [SourceFile] = []
    public var plans: [SourceFile] = []
    public var problems: [SourceError] = []
    /// `file: 3 psql meta-commands skipped (\copy ×2, \timing)`, one per file that has some.
    public var skippedMetaCommands: [String] = []
  }

  /// - Parameter psql: read backslash meta-commands and `:variables` (off: plain SQL).
  /// - Parameter exclude: globs for the files and directories found inside a directory argument
  ///   (`vendor`, `*_down.sql`, `legacy/*.sql`), matched against the path below that directory
  ///   and against the name; files named on the command line are always read.
  public static func load(
    _ paths: [String], plans planPaths: [String] = [], stdinName: String, psql: Bool = true, exclude: [String] = []
  ) -> Loaded {
    var loaded = Loaded()
    for path in planPaths {
      do {
        loaded.plans.append(try SourceFile.read(path: path))
      } catch {
        loaded.problems.append(error)
      }
    }
    for path in expandDirectories(paths, excluding: exclude, problems: &loaded.problems) {
      do {
        let source: SourceFile
        if path == "-" {
          source = SourceFile(name: stdinName, bytes: StandardInput.readAll())
          try source.validate()
        } else {
          source = try SourceFile.read(path: path)
        }
        if psql {
          var visited: Set<String> = [path == "-" ? "-" : realPath(path)]
          addScript(source, path: path == "-" ? nil : path, variables: [:], depth: 0, visited: &visited, into: &loaded)
        } else {
          loaded.sources.append(source)
        }
      } catch {
        loaded.problems.append(error)
      }
    }
    return loaded
  }

  /// psql stops at 16 nested includes as well.
  static let maximumIncludeDepth = 16

  /// A script, then each file it includes (findings point into the included file).
  private static func addScript(
    _ source: SourceFile, path: String?, variables: [String: String], depth: Int, visited: inout Set<String>,
    into loaded: inout Loaded
  ) {
    let script = PsqlScript.read(source, variables: variables)
    loaded.sources.append(script.source)
    if !script.skipped.isEmpty {
      var counts: [String: Int] = [:]
      for (name, _) in script.skipped { counts[name, default: 0] += 1 }
      let list = counts.sorted { $0.key < $1.key }.map { "\\\($0.key)" + ($0.value > 1 ? " ×\($0.value)" : "") }
      loaded.skippedMetaCommands.append(
        "\(source.name): \(script.skipped.count) psql meta-command\(script.skipped.count == 1 ? "" : "s") skipped (\(list.joined(separator: ", ")))")
    }
    for include in script.includes {
      let position = SourceText(bytes: source.bytes).position(ofByte: include.offset)
      let base = include.relativeToScript ? ((path ?? ".") as NSString).deletingLastPathComponent : FileManager.default.currentDirectoryPath
      let target = normalized(include.path.hasPrefix("/") || base.isEmpty ? include.path : (base as NSString).appendingPathComponent(include.path))
      let real = realPath(target)
      guard depth < maximumIncludeDepth else {
        loaded.problems.append(SourceError(file: "\(source.name):\(position)", message: "includes nested deeper than \(maximumIncludeDepth) levels: \(include.path) not read"))
        continue
      }
      guard visited.insert(real).inserted else {
        loaded.problems.append(SourceError(file: "\(source.name):\(position)", message: "\(include.path) includes itself (directly or through other files): not read again"))
        continue
      }
      do {
        let included = try SourceFile.read(path: target)
        addScript(included, path: target, variables: include.variables, depth: depth + 1, visited: &visited, into: &loaded)
      } catch {
        loaded.problems.append(SourceError(file: "\(source.name):\(position)", message: "cannot include \(include.path): \(error.message)"))
      }
      visited.remove(real)
    }
  }

  /// The file a path names, absolute and without symlinks: what "already included" compares.
  static func realPath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
  }

  /// `db/./lib/../x.sql` → `db/x.sql`, for messages (a leading `..` stays).
  static func normalized(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: false) {
      if part == "." && !parts.isEmpty { continue }
      if part == "..", let last = parts.last, last != "..", last != "", last != "." {
        parts.removeLast()
        continue
      }
      parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return joined.hasPrefix("./") ? String(joined.dropFirst(2)) : joined
  }

  /// A directory stands for the `*.sql` files below it, in a stable (sorted) order; symlinked
  /// directories are followed once each, so a link back up cannot loop. An empty directory is a
  /// problem worth saying.
  static func expandDirectories(_ paths: [String], excluding exclude: [String] = [], problems: inout [SourceError]) -> [String] {
    var result: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
        result.append(path)
        continue
      }
      var visited = Set<String>()
      let found = sqlFiles(in: path, below: "", excluding: exclude, visited: &visited)
      if found.isEmpty { problems.append(SourceError(file: path, message: "is a directory without .sql files")) }
      result += found
    }
    return result
  }

  private static func sqlFiles(in directory: String, below relative: String, excluding exclude: [String], visited: inout Set<String>) -> [String] {
    let real = (directory as NSString).resolvingSymlinksInPath
    guard visited.insert(real).inserted,
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else { return [] }
    var files: [String] = []
    for name in names.sorted() where !name.hasPrefix(".") {
      let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
      let below = relative.isEmpty ? name : relative + "/" + name
      if exclude.contains(where: { fnmatch($0, below, 0) == 0 || fnmatch($0, name, 0) == 0 }) { continue }
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        files += sqlFiles(in: path, below: below, excluding: exclude, visited: &visited)
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
  public static func readAll() -> [UInt8] { SourceFile.readToEnd(STDIN_FILENO).bytes }
}
