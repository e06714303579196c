// The core's types are part of this library's interface (results carry findings, parse trees and
// plans), so importing PGTuneQuery is enough for reporters, the command line and tests.
@_exported import PGTuneQueryCore
