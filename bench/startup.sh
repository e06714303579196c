#!/usr/bin/env bash
# Start-up: `pgtune-query --help` and `--version` against `psql --help` (a C program that loads
# libpq too) on the same machine, side by side: mean wall milliseconds over N runs and the ratio.
#
#   bench/startup.sh [N]      (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
scripts/install-deps.sh >/dev/null
swift build -c release --product pgtune-query --static-swift-stdlib >/dev/null
binary=.build/release/pgtune-query

mean_ms() { # command... → mean wall milliseconds of $n runs
  local start end
  "$@" >/dev/null 2>&1 || true # warm the page cache
  start=$(date +%s%N)
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  echo "($end - $start) / $n / 1000000" | bc -l
}

# Debian's /usr/bin/psql is a Perl wrapper (pg_wrapper): time the C program itself.
psql_binary=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -1)
psql_binary=${psql_binary:-$(command -v psql)}
anchor=$(mean_ms "$psql_binary" --help)
printf '| command | mean ms | vs psql --help |\n|---|---:|---:|\n'
printf '| psql --help | %.1f | 1.0× |\n' "$anchor"
for args in "--help" "--version" "analyze --help"; do
  # shellcheck disable=SC2086
  ours=$(mean_ms "$binary" $args)
  printf '| pgtune-query %s | %.1f | %.1f× |\n' "$args" "$ours" "$(echo "$ours / $anchor" | bc -l)"
done
