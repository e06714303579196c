import Synchronization

/// What this process skips freeing at the end.
enum ProcessMemory {
  private static let keptUntilExit = Mutex<[any Sendable]>([])

  /// Keeps a command's results alive until the process exits: freeing 50,000 statement analyses
  /// one object at a time took a tenth of a second on one core, for memory the kernel takes back
  /// at once when the process ends.
  static func keepUntilExit(_ value: any Sendable) {
    keptUntilExit.withLock { $0.append(value) }
  }
}
