#!/usr/bin/env bash
# Offline analyze throughput vs. the raw libpg_query protobuf parse loop in C, side by side in
# every round, on the shared SQL corpora. Prints statements/second for each and the ratios
# (C time / analyze time: above 1.0x analyze is faster), against the loop's own parse timing and
# against its whole process.
#
#   bench/run.sh [RUNS]      (default 3 runs each; the best run counts)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
corpus=${PGTUNE_CORPUS_DIR:-../shared/corpus}
if [[ ! -d $corpus ]]; then
  echo "bench: $corpus not found (the shared corpora live beside the repository)" >&2
  exit 0
fi

scripts/install-deps.sh
mkdir -p bench/out
cc -O2 -o bench/out/parse-loop bench/parse-loop.c -lpg_query
swift build -c release --product pgtune-query --static-swift-stdlib >/dev/null
binary=.build/release/pgtune-query

wall() { # command... → wall seconds of one run
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
min() { if [[ -z $1 ]] || (($(echo "$2 < $1" | bc -l))); then echo "$2"; else echo "$1"; fi; }

# The machine's speed moves from minute to minute, so each round runs all four side by side
# (C loop, C loop whole process, analyze on every core, analyze on one) and the best of each counts.
printf "%-14s %10s %12s %12s %12s %12s %9s %9s\n" corpus statements "C parse /s" "C process /s" \
  "analyze /s" "1 job /s" "vs parse" "vs proc"
for name in corpus-pg15 corpus-adhoc; do
  file=$corpus/$name.sql
  c_parse="" c_process="" analyze="" analyze_one=""
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    read -r count seconds _ < <(bench/out/parse-loop "$file")
    end=$(date +%s.%N)
    c_parse=$(min "$c_parse" "$seconds")
    c_process=$(min "$c_process" "$(echo "$end - $start" | bc -l)")
    analyze=$(min "$analyze" "$(wall "$binary" analyze --format json "$file")")
    analyze_one=$(min "$analyze_one" "$(wall "$binary" analyze --jobs 1 --format json "$file")")
  done
  printf "%-14s %10d %12.0f %12.0f %12.0f %12.0f %8.2fx %8.2fx\n" "$name" "$count" "$(echo "$count / $c_parse" | bc -l)" \
    "$(echo "$count / $c_process" | bc -l)" "$(echo "$count / $analyze" | bc -l)" "$(echo "$count / $analyze_one" | bc -l)" \
    "$(echo "$c_parse / $analyze" | bc -l)" "$(echo "$c_process / $analyze" | bc -l)"
done
echo "(analyze: whole process, file read → split → parse+fingerprint+rules on $(nproc) cores → JSON on stdout;"
echo " C parse: the loop's own timing of pg_query_parse_protobuf per statement, the split not counted;"
echo " C process: the same program's whole run, split and file read included)"
