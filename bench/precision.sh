#!/usr/bin/env bash
# Precision benchmark: findings per 1,000 statements, by rule and severity, for this build and for
# another one side by side (BEFORE_BIN=path/to/older/pgtune-query), on
#   1. ../shared/corpus/corpus-adhoc.sql offline (application-style statements), and
#   2. a generated decision-support schema of our own (bench/precision/analytic-schema.sql, ~1.2 M
#      fact rows) with its analytic queries (bench/precision/analytic.sql), with --dsn.
# A warning is what a user is asked to act on: the benchmark prints warnings+errors per 1,000
# statements beside all findings, so precision changes show where they matter.
#
#   bench/precision.sh                       # this build only
#   BEFORE_BIN=/tmp/before/.build/release/pgtune-query bench/precision.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
swift build -c release --product pgtune-query --static-swift-stdlib >&2
after=.build/release/pgtune-query
corpus=../shared/corpus/corpus-adhoc.sql

count() { # label, binary, json file
  python3 - "$1" "$3" <<'PY'
import json, sys, collections
label, path = sys.argv[1], sys.argv[2]
data = json.load(open(path))
statements = len(data["statements"])
by = collections.Counter()
for statement in data["statements"]:
    for finding in statement["findings"]:
        by[(finding["rule"], finding["severity"])] += 1
acting = sum(n for (rule, severity), n in by.items() if severity in ("warning", "error"))
print(f"{label}: {statements} statements, {sum(by.values())} findings, {acting} warnings+errors "
      f"({1000 * acting / max(statements, 1):.1f} per 1,000 statements)")
for (rule, severity), n in sorted(by.items(), key=lambda item: -item[1]):
    print(f"  {rule:32} {severity:8} {n:7}  {1000 * n / max(statements, 1):8.1f} / 1,000")
PY
}

run_all() { # label, binary
  local label=$1 binary=$2
  if [[ -f $corpus ]]; then
    "$binary" analyze --format json --no-rewrites "$corpus" > "/tmp/pgtq-precision-offline-$label.json" || true
    count "$label, corpus-adhoc offline" "$binary" "/tmp/pgtq-precision-offline-$label.json"
  else
    echo "skipped: $corpus is absent (the shared corpus)"
  fi
  "$binary" analyze --format json --dsn "$dsn" --no-store bench/precision/analytic.sql \
    > "/tmp/pgtq-precision-live-$label.json" 2>/dev/null || true
  count "$label, analytic schema with --dsn" "$binary" "/tmp/pgtq-precision-live-$label.json"
}

bench_services >&2
psql "$PGTUNE_TEST_PG_DSN" -qAtc "DROP DATABASE IF EXISTS pgtq_precision" -c "CREATE DATABASE pgtq_precision" >&2
dsn="${PGTUNE_TEST_PG_DSN/dbname=postgres/dbname=pgtq_precision}"
psql "$dsn" -q -v ON_ERROR_STOP=1 -f bench/precision/analytic-schema.sql >&2
psql "$dsn" -qc "ALTER DATABASE pgtq_precision SET search_path = dss, public" >&2
if [[ -n ${BEFORE_BIN:-} ]]; then run_all before "$BEFORE_BIN"; fi
run_all after "$after"
