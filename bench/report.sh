#!/usr/bin/env bash
# `report` vs pgBadger on the same server logs, side by side in one run: wall time, MB/s and
# peak RSS of each (one process each: pgBadger -j 1, pgtune-query --jobs 1), their ratio, and
# whether the counts agree (queries, errors, top-10 slowest normalized queries). Then
# pgtune-query on every core (one file read in parts) and pgBadger -j on every core, and whether
# our parallel report is byte for byte the single-thread one.
#
#   bench/report.sh [stderr|stderr40|csv|json]...     (default: stderr; stderr40 = its first 40 MiB)
#
# Logs: $PGTQ_BENCH_LOGS (default /tmp/pgtq-bench/logs), made by ../shared/bench/make-logs.sh
# when missing (TARGET_MB=30 for a quick ~100 MB stderr log; the default size is ~300 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
logs=${PGTQ_BENCH_LOGS:-/tmp/pgtq-bench/logs}
formats=("${@:-stderr}")
if [[ ! -f $logs/postgresql.log ]]; then
  if [[ ! -x ../shared/bench/make-logs.sh && ! -f ../shared/bench/make-logs.sh ]]; then
    echo "bench: no logs in $logs and ../shared/bench/make-logs.sh is not here" >&2
    exit 0
  fi
  BENCH_ROOT=$(dirname "$logs") bash ../shared/bench/make-logs.sh
fi
command -v pgbadger >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq pgbadger >/dev/null; }
swift build -c release --product pgtune-query --static-swift-stdlib >/dev/null
out=bench/out/report
mkdir -p "$out"
prefix=$(sed -n "s/^log_line_prefix: '\(.*\)'$/\1/p" "$logs/MANIFEST.txt" 2>/dev/null || true)
prefix=${prefix:-%m [%p] %q%u@%d }

measure() { # name, output, command... → "seconds peak_kb"
  local name=$1 output=$2
  shift 2
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" >"$output" 2>"$out/$name.stderr" || true
  cat "$out/$name.time"
}

printf '| log | size | tool | seconds | MB/s | peak RSS | queries | errors |\n|---|---:|---|---:|---:|---:|---:|---:|\n'
for format in "${formats[@]}"; do
  case $format in
    stderr) file=$logs/postgresql.log badger=(-f stderr -p "$prefix") ;;
    stderr40)
      # The issue's "one 40 MB log": the first 40 MiB of the stderr log, cut after a whole line.
      file=$out/postgresql-40mb.log badger=(-f stderr -p "$prefix")
      head -c $((40 << 20)) "$logs/postgresql.log" | sed '$d' >"$file"
      ;;
    csv) file=$logs/postgresql.csv badger=(-f csv) ;;
    json) file=$logs/postgresql.json badger=(-f jsonlog) ;;
  esac
  mb=$(echo "$(stat -c %s "$file") / 1048576" | bc -l)
  read -r ours_s ours_kb < <(measure "ours-$format" "$out/ours-$format.json" \
    .build/release/pgtune-query report --no-store --jobs 1 --format json "$file")
  read -r badger_s badger_kb < <(measure "pgbadger-$format" /dev/null \
    pgbadger "${badger[@]}" -j 1 -x json -o "$out/pgbadger-$format.json" "$file")
  counts=$(python3 - "$out/ours-$format.json" "$out/pgbadger-$format.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
badger = json.load(open(sys.argv[2]))
overall = badger.get("overall_stat", {})
print(ours["totals"]["queries"], ours["totals"]["errors"], overall.get("queries_number", "?"),
      badger.get("overall_stat", {}).get("errors_number", sum(v.get("count", 0) for v in badger.get("error_info", {}).values())))
PY
)
  read -r ours_q ours_e badger_q badger_e <<<"$counts"
  printf '| %s | %.0f MB | pgBadger 12 (-j 1) | %.1f | %.2f | %d MB | %s | %s |\n' "$format" "$mb" "$badger_s" \
    "$(echo "$mb / $badger_s" | bc -l)" "$((badger_kb / 1024))" "$badger_q" "$badger_e"
  printf '| %s | %.0f MB | pgtune-query (--jobs 1) | %.1f | %.2f | %d MB | %s | %s |\n' "$format" "$mb" "$ours_s" \
    "$(echo "$mb / $ours_s" | bc -l)" "$((ours_kb / 1024))" "$ours_q" "$ours_e"
  printf '| %s | | **ratio** | | **%.1fx** | %.2fx | | |\n' "$format" "$(echo "$badger_s / $ours_s" | bc -l)" \
    "$(echo "$ours_kb / $badger_kb" | bc -l)"
  cores=$(nproc)
  read -r all_s all_kb < <(measure "ours-$format-all" "$out/ours-$format-all.json" \
    .build/release/pgtune-query report --no-store --jobs "$cores" --format json "$file")
  read -r badger_all_s badger_all_kb < <(measure "pgbadger-$format-all" /dev/null \
    pgbadger "${badger[@]}" -j "$cores" -x json -o "$out/pgbadger-$format-all.json" "$file")
  same=$(cmp -s "$out/ours-$format.json" "$out/ours-$format-all.json" && echo "identical to --jobs 1" || echo "DIFFERS from --jobs 1")
  printf '| %s | %.0f MB | pgBadger 12 (-j %d) | %.1f | %.2f | %d MB | | |\n' "$format" "$mb" "$cores" "$badger_all_s" \
    "$(echo "$mb / $badger_all_s" | bc -l)" "$((badger_all_kb / 1024))"
  printf '| %s | %.0f MB | pgtune-query (--jobs %d, %s) | %.1f | %.2f | %d MB | | |\n' "$format" "$mb" "$cores" "$same" \
    "$all_s" "$(echo "$mb / $all_s" | bc -l)" "$((all_kb / 1024))"
  printf '| %s | | **ratio vs pgBadger -j 1** | | **%.1fx** | | | |\n' "$format" "$(echo "$badger_s / $all_s" | bc -l)"
done
