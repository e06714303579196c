#!/usr/bin/env bash
# The workload's index set against the union of per-statement suggestions, on a generated
# decision-support schema (~330 MB: suppliers, parts, partsupp, customers, orders, lineitems, a
# view) on the test harness's PostgreSQL 15 with hypopg. For each set: the indexes are created for
# real, then the summed EXPLAIN cost of the workload, the indexes' real size, and the summed
# execution time of the queries (best of RUNS each) — beside no index at all.
#
#   bench/index-set.sh [RUNS]      (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
source bench/lib.sh
bench_services >/dev/null
swift build -c release --product pgtune-query --static-swift-stdlib >/dev/null
binary=.build/release/pgtune-query
out=bench/out/index-set
mkdir -p "$out"
db=pgtq_bench_dss
psql "$PGTUNE_TEST_PG_DSN" -qAtc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
dsn="${PGTUNE_TEST_PG_DSN/dbname=postgres/dbname=$db}"
psql "$dsn" -q <<'SQL'
CREATE EXTENSION hypopg;
SET synchronous_commit = off;
CREATE TABLE supplier (s_suppkey int PRIMARY KEY, s_name text NOT NULL, s_nationkey int NOT NULL, s_acctbal numeric(12,2) NOT NULL);
INSERT INTO supplier SELECT g, 'Supplier#' || g, g % 25, (g * 37 % 10000) - 999 FROM generate_series(1, 10000) g;
CREATE TABLE part (p_partkey int PRIMARY KEY, p_name text NOT NULL, p_brand text NOT NULL, p_type text NOT NULL, p_size int NOT NULL, p_retailprice numeric(12,2) NOT NULL);
INSERT INTO part SELECT g, 'part ' || md5(g::text), 'Brand#' || (1 + g % 5) || (1 + g / 5 % 5), (ARRAY['STANDARD','SMALL','MEDIUM','LARGE','ECONOMY','PROMO'])[1 + g % 6] || ' BRASS', 1 + g % 50, 900 + g % 1000 FROM generate_series(1, 100000) g;
CREATE TABLE partsupp (ps_partkey int NOT NULL, ps_suppkey int NOT NULL, ps_availqty int NOT NULL, ps_supplycost numeric(12,2) NOT NULL, PRIMARY KEY (ps_partkey, ps_suppkey));
INSERT INTO partsupp SELECT p, 1 + (p * 4 + k) % 10000, (p * k) % 9999, 1 + (p + k) % 1000 FROM generate_series(1, 100000) p, generate_series(0, 3) k;
CREATE TABLE customer (c_custkey int PRIMARY KEY, c_name text NOT NULL, c_nationkey int NOT NULL, c_mktsegment text NOT NULL, c_email text NOT NULL);
INSERT INTO customer SELECT g, 'Customer#' || g, g % 25, (ARRAY['BUILDING','AUTOMOBILE','MACHINERY','HOUSEHOLD','FURNITURE'])[1 + g % 5], 'c' || g || '@example.com' FROM generate_series(1, 150000) g;
CREATE TABLE orders (o_orderkey int PRIMARY KEY, o_custkey int NOT NULL, o_orderstatus char(1) NOT NULL, o_totalprice numeric(12,2) NOT NULL, o_orderdate date NOT NULL, o_clerk text NOT NULL);
INSERT INTO orders SELECT g, 1 + (g * 7) % 150000, (ARRAY['O','F','P'])[1 + g % 3], (g % 50000) + 0.5, date '2020-01-01' + g % 2400, 'Clerk#' || (g % 1000) FROM generate_series(1, 400000) g;
CREATE TABLE lineitem (l_orderkey int NOT NULL, l_linenumber int NOT NULL, l_partkey int NOT NULL, l_suppkey int NOT NULL, l_quantity int NOT NULL, l_extendedprice numeric(12,2) NOT NULL, l_discount numeric(4,2) NOT NULL, l_shipdate date NOT NULL, l_returndate date, l_shipmode text NOT NULL, l_comment text NOT NULL, PRIMARY KEY (l_orderkey, l_linenumber));
INSERT INTO lineitem SELECT o, n, 1 + (o * 13 + n) % 100000, 1 + (o + n * 7) % 10000, 1 + (o + n) % 50, ((o + n) % 50000) + 0.25, ((o + n) % 11) / 100.0, date '2020-01-02' + (o + n) % 2400,
  CASE WHEN (o + n) % 97 = 0 THEN NULL ELSE date '2020-01-10' + (o + n) % 2400 END, (ARRAY['AIR','MAIL','SHIP','TRUCK','RAIL'])[1 + (o + n) % 5], 'comment ' || md5((o * 10 + n)::text)
FROM generate_series(1, 400000) o, generate_series(1, 4) n;
CREATE VIEW open_lineitems AS SELECT l_orderkey, l_partkey, l_suppkey, l_quantity, l_shipdate FROM lineitem WHERE l_returndate IS NULL;
VACUUM ANALYZE;
SQL
psql "$dsn" -qAtc "SELECT 'database: ' || pg_size_pretty(pg_database_size(current_database()))"

cat >"$out/workload.sql" <<'SQL'
-- name: order-lines
SELECT l_linenumber, l_quantity, l_extendedprice FROM lineitem WHERE l_partkey = 4242;
-- name: part-suppliers
SELECT l_orderkey, l_suppkey FROM lineitem WHERE l_partkey = 777 AND l_suppkey = 778;
-- name: customer-orders
SELECT o_orderkey, o_totalprice FROM orders WHERE o_custkey = 12345 ORDER BY o_orderdate DESC LIMIT 20;
-- name: unreturned
SELECT count(*) FROM lineitem WHERE l_returndate IS NULL AND l_shipmode = 'AIR';
-- name: open-lines-of-supplier
SELECT l_orderkey, l_quantity FROM open_lineitems WHERE l_suppkey = 55;
-- name: brand-revenue
SELECT p.p_brand, sum(l.l_extendedprice * (1 - l.l_discount)) FROM part p JOIN lineitem l ON l.l_partkey = p.p_partkey
WHERE (p.p_brand = 'Brand#12' AND p.p_size = 7) OR (p.p_brand = 'Brand#23' AND p.p_size = 14) GROUP BY p.p_brand;
-- name: supplier-parts
SELECT ps_partkey, ps_availqty FROM partsupp WHERE ps_suppkey = 4711;
-- name: clerk-day
SELECT o_orderkey FROM orders WHERE o_clerk = 'Clerk#42' AND o_orderdate = date '2022-03-01';
-- name: customer-by-email
SELECT c_custkey FROM customer WHERE c_email = 'c777@example.com';
-- name: shipped-window
SELECT count(*) FROM lineitem WHERE l_shipdate BETWEEN date '2023-01-01' AND date '2023-01-03';
SQL

"$binary" analyze --no-store --dsn "$dsn" --format json "$out/workload.sql" >"$out/unlimited.json" || true
for budget in 64MB 16MB; do
  "$binary" analyze --no-store --dsn "$dsn" --format json --storage-budget "$budget" "$out/workload.sql" >"$out/budget-$budget.json" || true
done
"$binary" analyze --no-store --dsn "$dsn" --format sql --storage-budget 16MB "$out/workload.sql" >"$out/budget-16MB.sql" || true
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
unlimited = json.load(open(f"{out}/unlimited.json"))
union = []
for statement in unlimited["statements"]:
    for suggestion in statement["index_suggestions"]:
        if suggestion["ddl"] not in union: union.append(suggestion["ddl"])
sets = {"union of per-statement": union, "workload set": [i["ddl"] for i in unlimited["workload"]["indexes"]]}
for budget in ["64MB", "16MB"]:
    sets[f"workload set, --storage-budget {budget}"] = [i["ddl"] for i in json.load(open(f"{out}/budget-{budget}.json"))["workload"]["indexes"]]
with open(f"{out}/sets.tsv", "w") as f:
    for name, ddls in sets.items():
        f.write(name + "\t" + "\x1f".join(d.replace(" CONCURRENTLY", "") for d in ddls) + "\n")
PY

python3 - "$out" "$dsn" "$runs" <<'PY'
import json, re, subprocess, sys
out, dsn, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = re.sub(r"--[^\n]*\n", "", open(f"{out}/workload.sql").read())
statements = [s.strip() for s in text.split(";") if s.strip()]
def psql(sql):
    return subprocess.run(["psql", dsn, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True).stdout
def measure():
    cost = ms = 0.0
    for statement in statements:
        cost += json.loads(psql(f"EXPLAIN (FORMAT JSON) {statement}"))[0]["Plan"]["Total Cost"]
        ms += min(json.loads(psql(f"EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) {statement}"))[0]["Execution Time"] for _ in range(runs))
    return cost, ms
size_sql = "SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT i.indisprimary"
rows = [("no index", 0, 0.0, *measure())]
for line in open(f"{out}/sets.tsv"):
    name, ddls = line.rstrip("\n").split("\t")
    ddls = [d for d in ddls.split("\x1f") if d]
    for ddl in ddls: psql(ddl)
    psql("ANALYZE")
    size = float(psql(size_sql)) / 1048576
    rows.append((name, len(ddls), size, *measure()))
    for index in psql("SELECT c.oid::regclass FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT i.indisprimary").split():
        psql(f"DROP INDEX {index}")
print(f"{'set':44} {'indexes':>7} {'size MB':>8} {'summed cost':>12} {'summed ms':>10}")
for name, count, size, cost, ms in rows:
    print(f"{name:44} {count:7d} {size:8.1f} {cost:12.0f} {ms:10.1f}")
union = rows[1]
for name, count, size, cost, ms in rows[2:]:
    print(f"{name}: {size / union[2]:.2f}x the union's size, {cost / union[3]:.2f}x its summed cost, {ms / union[4]:.2f}x its time")
PY
psql "$PGTUNE_TEST_PG_DSN" -qAtc "DROP DATABASE $db"
