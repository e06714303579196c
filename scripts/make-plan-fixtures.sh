#!/usr/bin/env bash
# Regenerates Fixtures/plans/NN-name.json from the real PostgreSQL 15 of the test harness, on the
# shop schema (Fixtures/schemas/shop.sql). The .expect.json beside each plan is written by hand:
# it says what the plan rules must find, and a test holds them to it.
#
#   scripts/test-services.sh start && scripts/make-plan-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/test-services.sh env)"
admin="$PGTUNE_TEST_PG_DSN"
psql "$admin" -qAtc "DROP DATABASE IF EXISTS pgtq_plan_fixtures" -c "CREATE DATABASE pgtq_plan_fixtures"
db="${admin/dbname=postgres/dbname=pgtq_plan_fixtures}"
psql "$db" -q -v ON_ERROR_STOP=1 -f Fixtures/schemas/shop.sql
# Index-only scans need a visibility map; dirty part of the table afterwards for heap fetches.
psql "$db" -q -c "VACUUM ANALYZE customers" -c "UPDATE customers SET name = name WHERE id % 7 = 0"

plan() { # number-name, settings, query
  local name=$1 settings=$2 query=$3 options="FORMAT JSON, VERBOSE, SETTINGS"
  if [[ $query == EXPLAIN_ANALYZE* ]]; then options="ANALYZE, BUFFERS, $options"; query=${query#EXPLAIN_ANALYZE }; fi
  psql "$db" -qAt -v ON_ERROR_STOP=1 <<SQL | sed '/^$/d' >"Fixtures/plans/$name.json"
SET max_parallel_workers_per_gather = 0;
SET jit = off;
$settings
EXPLAIN ($options) $query
SQL
}

plan 01-index-lookup "" "SELECT id, email FROM customers WHERE id = 42"
plan 02-seq-scan-large-table "" "SELECT id, total FROM orders WHERE status = 'cancelled'"
plan 03-expensive-plan "" "SELECT c.id, (SELECT count(*) FROM order_events e WHERE e.kind = 'paid' AND e.order_id > c.id) FROM customers c WHERE c.country = 'DE'"
plan 04-dominant-node "" "SELECT count(*) FROM order_events WHERE kind = 'paid'"
plan 05-row-misestimate "" "EXPLAIN_ANALYZE SELECT id FROM customers WHERE city_code = 7 AND zip_code = 7"
plan 06-sort-spill "SET work_mem = '64kB';" "EXPLAIN_ANALYZE SELECT id, total FROM orders ORDER BY total DESC"
plan 07-hash-batches "SET work_mem = '64kB';" "EXPLAIN_ANALYZE SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id"
plan 08-nested-loop-large-outer "SET enable_hashjoin = off; SET enable_mergejoin = off;" "SELECT o.id, e.kind FROM orders o JOIN order_events e ON e.order_id = o.id WHERE o.total > 10"
# The inner side is no index lookup: a full scan of products (materialized) per order row.
plan 16-nested-loop-scan-inner "SET enable_hashjoin = off; SET enable_mergejoin = off;" "SELECT o.id, p.name FROM orders o JOIN products p ON p.price = o.total WHERE o.total > 10"
plan 09-lossy-bitmap-heap-scan "SET work_mem = '64kB'; SET enable_seqscan = off; SET enable_indexscan = off;" "EXPLAIN_ANALYZE SELECT id FROM orders WHERE created_at >= '2024-01-02' AND created_at < '2025-12-01'"
plan 10-high-filter-removal "" "EXPLAIN_ANALYZE SELECT order_id FROM order_events WHERE happened_at::date = '2024-03-01'"
plan 11-index-only-heap-fetches "SET enable_seqscan = off; SET enable_bitmapscan = off;" "EXPLAIN_ANALYZE SELECT id FROM customers WHERE id BETWEEN 1 AND 20000"
plan 12-workers-not-launched "SET max_parallel_workers_per_gather = 2; SET max_parallel_workers = 0; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;" "EXPLAIN_ANALYZE SELECT count(*) FROM order_events"
plan 13-jit-overhead "SET jit = on; SET jit_above_cost = 0; SET jit_inline_above_cost = 0; SET jit_optimize_above_cost = 0;" "EXPLAIN_ANALYZE SELECT id FROM products WHERE price > 100"
plan 14-cartesian-product "" "SELECT a.id, b.id FROM products a, customers b WHERE a.in_stock AND b.country = 'DE'"
plan 15-cte-and-subplan "" "WITH recent AS MATERIALIZED (SELECT * FROM orders WHERE created_at > '2024-12-01') SELECT r.id, (SELECT max(total) FROM orders WHERE customer_id = r.customer_id) FROM recent r"
psql "$admin" -qAtc "DROP DATABASE pgtq_plan_fixtures"
ls Fixtures/plans/*.json | grep -v expect
