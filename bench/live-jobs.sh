#!/usr/bin/env bash
# Live analysis with 1 vs 4 connections: 200 statements EXPLAINed against the shop fixture schema
# on the test harness's PostgreSQL 15 (started if needed). Best of 3 runs each.
#
#   bench/live-jobs.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
source bench/lib.sh
bench_services
dsn=$(bench_shop_database pgtq_bench)
swift build -c release --product pgtune-query --static-swift-stdlib >/dev/null
mkdir -p bench/out
python3 - >bench/out/live-200.sql <<'PY'
shapes = [
    "SELECT id, total FROM orders WHERE customer_id = {n} ORDER BY created_at DESC LIMIT 20",
    "SELECT c.email, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.country = 'DE' AND o.total > {n} GROUP BY c.email",
    "SELECT count(*) FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.status = 'paid' AND e.kind = 'shipped' AND o.id > {n}",
    "UPDATE products SET price = price * 1.01 WHERE id = {n}",
    "SELECT p.name, sum(o.total) FROM products p JOIN orders o ON o.product_id = p.id WHERE p.in_stock AND o.created_at > timestamptz '2024-06-01' + interval '{n} minutes' GROUP BY p.name ORDER BY 2 DESC LIMIT 10",
]
print(";\n".join(shapes[n % len(shapes)].format(n=n) for n in range(1, 201)) + ";")
PY

best() { # jobs → best seconds
  local times=()
  for _ in $(seq "$runs"); do
    times+=("$(bench_seconds .build/release/pgtune-query analyze --no-store --dsn "$dsn" --jobs "$1" --format json bench/out/live-200.sql)")
  done
  bench_min "${times[@]}"
}
one=$(best 1)
four=$(best 4)
printf "statements 200   --jobs 1: %.3f s (%.0f/s)   --jobs 4: %.3f s (%.0f/s)   speed-up %.2fx\n" \
  "$one" "$(echo "200 / $one" | bc -l)" "$four" "$(echo "200 / $four" | bc -l)" "$(echo "$one / $four" | bc -l)"
psql "$PGTUNE_TEST_PG_DSN" -qAtc "DROP DATABASE pgtq_bench"
