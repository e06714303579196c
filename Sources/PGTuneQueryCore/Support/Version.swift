/// The tool's version, shown by `--version` and written into stored results.
public enum PGTuneQueryVersion {
  public static let current = "0.1.0"
}
