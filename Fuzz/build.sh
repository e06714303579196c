#!/usr/bin/env bash
# Builds Fuzz/.build/pgtq-fuzz: every core source, the log readers, the store envelope and the
# harnesses compiled as one module with libFuzzer and AddressSanitizer (swiftc -sanitize=fuzzer).
# One module, not the package's targets: SwiftPM executables bring a `main` of their own, and
# libFuzzer brings its own.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p Fuzz/.build
mapfile -t sources < <(find Sources/PGTuneQueryCore Sources/PGTuneQuery -name '*.swift' ! -name Exports.swift | sort)
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name PGTuneQuery -package-name pgtune_query \
  -suppress-warnings \
  -Xcc -fmodule-map-file=Sources/CPgQuery/module.modulemap -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CLibPQ/module.modulemap -Xcc -fmodule-map-file=Sources/CSQLite/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CHiredis/module.modulemap -Xcc -fmodule-map-file=Sources/CLibMemcached/module.modulemap \
  -I /usr/include/postgresql \
  "${sources[@]}" Fuzz/Harnesses.swift -o Fuzz/.build/pgtq-fuzz 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
test -x Fuzz/.build/pgtq-fuzz
