#!/usr/bin/env bash
# The analysis cache: `analyze --dsn` of 1,200 statements against the shop fixture schema on the
# test harness's PostgreSQL 15 (started if needed), side by side in one run:
#   cold          a new local store: every statement EXPLAINed, advised (hypopg) and stored
#   warm SQLite   the same store again: every statement a hit in the local file
#   warm Redis    a new local store (another machine) with the shared Redis the cold run filled
#   check cold    `check` with a new store (EXPLAIN only: check asks for no advice)
#   check warm    `check` again on that store
# Best of RUNS runs each (cold runs each start from an empty store and Redis database).
#
#   bench/store.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
source bench/lib.sh
bench_services
dsn=$(bench_shop_database pgtq_bench_store)
psql "$dsn" -qc "CREATE EXTENSION hypopg" -c "VACUUM ANALYZE"
redis="${PGTUNE_TEST_REDIS_URL%/0}/9"
swift build -c release --product pgtune-query --static-swift-stdlib >/dev/null
bin=.build/release/pgtune-query
out=bench/out/store
rm -rf "$out" && mkdir -p "$out"
python3 - >"$out/statements.sql" <<'PY'
shapes = [
    "SELECT id, total FROM orders WHERE customer_id = {n} ORDER BY created_at DESC LIMIT 20",
    "SELECT c.email, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.country = 'DE' AND o.total > {n} GROUP BY c.email",
    "SELECT id FROM customers WHERE zip_code = {n} AND city_code = {n}",
    "UPDATE products SET price = price * 1.01 WHERE id = {n}",
    "SELECT p.name, sum(o.total) FROM products p JOIN orders o ON o.product_id = p.id WHERE p.in_stock AND o.created_at > timestamptz '2024-06-01' + interval '{n} minutes' GROUP BY p.name ORDER BY 2 DESC LIMIT 10",
    "SELECT * FROM orders WHERE status = 'cancelled' AND total > {n}",
]
print(";\n".join(shapes[n % len(shapes)].format(n=n) for n in range(1, 1201)) + ";")
PY

env PGTUNE_QUERY_STORE="$out/baseline-store.sqlite" $bin check --no-store --dsn "$dsn" --baseline "$out/baseline.json" \
  --update-baseline "$out/statements.sql" >/dev/null 2>&1 || true
cold=() warm=() viaredis=() checkcold=() check=()
for run in $(seq "$runs"); do
  redis-cli -u "$redis" flushdb >/dev/null
  store="$out/machine-a-$run.sqlite"
  cold+=("$(bench_seconds env PGTUNE_QUERY_STORE="$store" $bin analyze --dsn "$dsn" --jobs 2 --store "$redis" --format json "$out/statements.sql")")
  warm+=("$(bench_seconds env PGTUNE_QUERY_STORE="$store" $bin analyze --dsn "$dsn" --jobs 2 --format json "$out/statements.sql")")
  viaredis+=("$(bench_seconds env PGTUNE_QUERY_STORE="$out/machine-b-$run.sqlite" $bin analyze --dsn "$dsn" --jobs 2 --store "$redis" --format json "$out/statements.sql")")
  checkstore="$out/check-$run.sqlite"
  checkcold+=("$(bench_seconds env PGTUNE_QUERY_STORE="$checkstore" $bin check --dsn "$dsn" --jobs 2 --baseline "$out/baseline.json" --format json "$out/statements.sql")")
  check+=("$(bench_seconds env PGTUNE_QUERY_STORE="$checkstore" $bin check --dsn "$dsn" --jobs 2 --baseline "$out/baseline.json" --format json "$out/statements.sql")")
done
# The hits really were hits: the last warm run's summary.
env PGTUNE_QUERY_STORE="$out/machine-a-$runs.sqlite" $bin analyze --dsn "$dsn" --format json "$out/statements.sql" 2>/dev/null \
  | python3 -c "import json,sys; print('warm run cache summary:', json.load(sys.stdin)['summary']['cache'])"
c=$(bench_min "${cold[@]}") w=$(bench_min "${warm[@]}") r=$(bench_min "${viaredis[@]}") kc=$(bench_min "${checkcold[@]}") k=$(bench_min "${check[@]}")
printf '| run | seconds | vs cold |\n|---|---:|---:|\n'
printf '| cold (EXPLAIN + hypopg advice, stored) | %.3f | 1.0x |\n' "$c"
printf '| warm, local SQLite | %.3f | %.1fx |\n' "$w" "$(echo "$c / $w" | bc -l)"
printf '| warm via Redis (new local store) | %.3f | %.1fx |\n' "$r" "$(echo "$c / $r" | bc -l)"
printf '| check cold (EXPLAIN only, stored) | %.3f | 1.0x (check) |\n' "$kc"
printf '| check warm, local SQLite | %.3f | %.1fx (vs check cold) |\n' "$k" "$(echo "$kc / $k" | bc -l)"
