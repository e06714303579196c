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
    for path in paths {
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
