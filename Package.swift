// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "pgtune-query",
  products: [
    .executable(name: "pgtune-query", targets: ["pgtune-query"]),
    .library(name: "PGTuneQuery", targets: ["PGTuneQuery"]),
    .library(name: "PGTuneQueryCore", targets: ["PGTuneQueryCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // C boundaries: a module map and a one-line shim each; exactly one Swift file imports each.
    .systemLibrary(name: "CPgQuery", path: "Sources/CPgQuery"),
    .systemLibrary(
      name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]),
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", providers: [.apt(["libhiredis-dev"])]),
    .systemLibrary(name: "CLibMemcached", path: "Sources/CLibMemcached", providers: [.apt(["libmemcached-dev"])]),

    // The parser-only core: what `analyze` without a database needs. It links libpg_query and
    // zlib, never a database client (ARCHITECTURE.md).
    .target(name: "PGTuneQueryCore", dependencies: ["CPgQuery", "CZlib"]),
    // Everything that talks to PostgreSQL, the store's servers or logs, over the core.
    .target(
      name: "PGTuneQuery", dependencies: ["PGTuneQueryCore", "CLibPQ", "CSQLite", "CHiredis", "CLibMemcached"]),
    .target(name: "PGTuneQueryReporters", dependencies: ["PGTuneQuery"]),
    .executableTarget(
      name: "pgtune-query",
      dependencies: [
        "PGTuneQuery", "PGTuneQueryReporters",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    .target(name: "TestSupport", dependencies: ["PGTuneQuery"], path: "Tests/TestSupport"),
    .testTarget(name: "PGTuneQueryTests", dependencies: ["PGTuneQuery", "PGTuneQueryCore", "TestSupport"]),
    .testTarget(
      name: "PGTuneQueryReportersTests",
      dependencies: ["PGTuneQuery", "PGTuneQueryCore", "PGTuneQueryReporters", "TestSupport"]),
    .testTarget(
      name: "PGTuneQueryCLITests", dependencies: ["TestSupport"]),
  ]
)
