#!/usr/bin/env bash
# Offline analyze throughput vs. the raw libpg_query protobuf parse loop in C, side by side, on
# the shared SQL corpora. Prints statements/second for both and the ratio (analyze / C).
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

best_time() { # command... → best wall seconds over $runs runs
  local best=""
  for _ in $(seq "$runs"); do
    local start end elapsed
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    elapsed=$(echo "$end - $start" | bc -l)
    if [[ -z $best ]] || (($(echo "$elapsed < $best" | bc -l))); then best=$elapsed; fi
  done
  echo "$best"
}

printf "%-18s %10s %14s %14s %14s %8s\n" corpus statements "C parse /s" "analyze /s" "analyze 1 job" ratio
for name in corpus-pg15 corpus-adhoc; do
  file=$corpus/$name.sql
  c_best=""
  for _ in $(seq "$runs"); do
    read -r count seconds rate < <(bench/out/parse-loop "$file")
    if [[ -z $c_best ]] || (($(echo "$rate > $c_best" | bc -l))); then c_best=$rate; fi
  done
  analyze=$(best_time "$binary" analyze --format json "$file")
  analyze_one=$(best_time "$binary" analyze --jobs 1 --format json "$file")
  rate=$(echo "$count / $analyze" | bc -l)
  rate_one=$(echo "$count / $analyze_one" | bc -l)
  printf "%-18s %10d %14.0f %14.0f %14.0f %7.2fx\n" "$name" "$count" "$c_best" "$rate" "$rate_one" "$(echo "$rate / $c_best" | bc -l)"
done
echo "(analyze: end to end, file read → split → parse+fingerprint+rules on $(nproc) cores → JSON on stdout)"
