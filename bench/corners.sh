#!/usr/bin/env bash
# The statements that used to be quadratic, side by side with the C parser on the same file:
# a 10,000-branch UNION, a 100,000-term OR, a 10 MB IN (...) list. For each: our wall time and
# peak RSS for `analyze --format json` (rewrites on, as users run it), the C program's
# `pg_query_parse` (JSON) of the same statement, and the ratio (ours / C; the goal is < 2 s).
#
#   bench/corners.sh [RUNS]      (default 3; the best run counts)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
scripts/install-deps.sh >/dev/null
mkdir -p bench/out/corners
cc -O2 -o bench/out/parse-loop bench/parse-loop.c -lpg_query
swift build -c release --product pgtune-query --static-swift-stdlib >/dev/null
binary=.build/release/pgtune-query
dir=bench/out/corners

python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
with open(f"{d}/union-10k.sql", "w") as f:
    f.write(" UNION ".join(f"SELECT id, name FROM t{i % 50} WHERE id = {i}" for i in range(10_000)) + ";\n")
with open(f"{d}/or-100k.sql", "w") as f:
    f.write("SELECT * FROM orders WHERE " + " OR ".join(f"customer_id = {i}" for i in range(100_000)) + ";\n")
with open(f"{d}/in-10mb.sql", "w") as f:
    values, size, i = [], 0, 0
    while size < 10_000_000:
        v = str(1_000_000 + i); values.append(v); size += len(v) + 2; i += 1
    f.write("SELECT * FROM orders WHERE id IN (" + ", ".join(values) + ");\n")
PY

best() { # → "seconds peak_kb" of the fastest of $runs runs
  local best_line="" line
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >/dev/null 2>&1 || true
    line=$(cat "$dir/time")
    if [[ -z $best_line ]] || (($(echo "${line% *} < ${best_line% *}" | bc -l))); then best_line=$line; fi
  done
  echo "$best_line"
}

printf '| statement | size | pgtune-query analyze | peak RSS | C pg_query_parse | ratio |\n|---|---:|---:|---:|---:|---:|\n'
for name in union-10k or-100k in-10mb; do
  file=$dir/$name.sql
  read -r ours kb < <(best "$binary" analyze --no-store --format json "$file")
  c=""
  for _ in $(seq "$runs"); do
    read -r _ seconds _ < <(bench/out/parse-loop "$file" json)
    if [[ -z $c ]] || (($(echo "$seconds < $c" | bc -l))); then c=$seconds; fi
  done
  printf '| %s | %s | %.2f s | %d MB | %.3f s | %.1f× |\n' "$name" "$(du -h "$file" | cut -f1)" "$ours" $((kb / 1024)) "$c" \
    "$(echo "$ours / $c" | bc -l)"
done
