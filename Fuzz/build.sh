#!/usr/bin/env bash
# Builds Fuzz/.build/pgtq-fuzz: every core source, the log readers, the store envelope and the
# harnesses compiled as one module with libFuzzer and AddressSanitizer (swiftc -sanitize=fuzzer).
# FUZZ_SANITIZERS=fuzzer builds without AddressSanitizer (Swift's own bounds and overflow traps
# still crash the harness): 3-5x the executions per second, for long runs.
# -num-threads 2: LLVM code generation on two threads (the whole module is one frontend job
# otherwise); the fuzzer-only build takes about 4 min on the 2-core CI machine with it.
# One module, not the package's targets: SwiftPM executables bring a `main` of their own, and
# libFuzzer brings its own.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p Fuzz/.build
mapfile -t sources < <(find Sources/PGTuneQueryCore Sources/PGTuneQuery -name '*.swift' ! -name Exports.swift | sort)
swiftc -O -g -num-threads 2 -sanitize="${FUZZ_SANITIZERS:-fuzzer,address}" -parse-as-library -module-name PGTuneQuery -package-name pgtune_query \
  -suppress-warnings \
  -Xcc -fmodule-map-file=Sources/CPgQuery/module.modulemap -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CLibPQ/module.modulemap -Xcc -fmodule-map-file=Sources/CSQLite/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CHiredis/module.modulemap -Xcc -fmodule-map-file=Sources/CLibMemcached/module.modulemap \
  -I /usr/include/postgresql \
  "${sources[@]}" Fuzz/Harnesses.swift -o Fuzz/.build/pgtq-fuzz.new 2> Fuzz/.build/compile.log \
  || { grep -v 'Cannot export local symbol' Fuzz/.build/compile.log >&2; rm -f Fuzz/.build/pgtq-fuzz.new; exit 1; }
# A failed compile must not leave an older harness binary to fuzz: replace it only on success.
mv Fuzz/.build/pgtq-fuzz.new Fuzz/.build/pgtq-fuzz
