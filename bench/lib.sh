# Shared pieces of the live benchmarks; `source bench/lib.sh` from the repository root.

# Installs what is missing, starts the test harness's servers and exports their addresses.
bench_services() {
  scripts/install-deps.sh --with-test-services
  scripts/test-services.sh start
  eval "$(scripts/test-services.sh env)"
}

# A fresh database NAME with the shop fixture schema; prints its conninfo.
bench_shop_database() {
  psql "$PGTUNE_TEST_PG_DSN" -qAtc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >&2
  local dsn="${PGTUNE_TEST_PG_DSN/dbname=postgres/dbname=$1}"
  psql "$dsn" -q -f Fixtures/schemas/shop.sql >&2
  echo "$dsn"
}

# Wall seconds of one run of a command (its output discarded, its failure ignored).
bench_seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

# The smallest of the numbers given.
bench_min() { printf '%s\n' "$@" | sort -g | head -1; }
