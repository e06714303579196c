#!/usr/bin/env bash
# Fuzzes each harness of Fuzz/Harnesses.swift with libFuzzer and AddressSanitizer for
# FUZZ_SECONDS seconds (default 60), seeded from Fixtures/ (and ../shared/corpus/ when present).
# Exits non-zero on the first crash, leaving the input in Fuzz/.build/crashes/<harness>/; a crash
# becomes a regression test by moving its input to Fixtures/fuzz/regressions/<harness>-<what>.
#
#   make fuzz FUZZ_SECONDS=600            # every harness
#   FUZZ_TARGETS="statements toml" scripts/fuzz.sh
#   FUZZ_RUNS=10000000 FUZZ_SECONDS=36000 FUZZ_SANITIZERS=fuzzer scripts/fuzz.sh   # the long runs
# FUZZ_RUNS stops a harness after that many executions; FUZZ_MAX_LEN caps an input (65536);
# FUZZ_SANITIZERS is passed to Fuzz/build.sh (without AddressSanitizer: 3-5x faster);
# FUZZ_NO_BUILD=1 fuzzes the binary already built.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"statements psql toml plan-json text-plan log-prefix stderr-log csv-log json-log baseline envelope"}
[[ -n ${FUZZ_NO_BUILD:-} && -x Fuzz/.build/pgtq-fuzz ]] || Fuzz/build.sh
work=Fuzz/.build
seed() { # harness, files...
  local dir=$work/seeds/$1; shift
  mkdir -p "$dir"
  for file in "$@"; do [[ -f $file ]] && cp "$file" "$dir/" || true; done
}
seed statements Fixtures/sql/examples/*.sql Fixtures/sql/hostile.sql Fixtures/functions/*.sql Fixtures/migrations/*.sql Fixtures/fuzz/regressions/statements-*
seed psql Fixtures/psql/*.sql Fixtures/psql/lib/*.sql Fixtures/sql/examples/*.sql
if [[ -f ../shared/corpus/corpus-adhoc.sql ]]; then
  head -c 200000 ../shared/corpus/corpus-adhoc.sql | awk -v dir="$work/seeds/statements" 'BEGIN{RS=";\n"} NR<=300 {print > (dir "/adhoc-" NR ".sql")}'
fi
seed toml /dev/null
printf 'version = 1\nfail_on = "warning"\ndisable = ["union-without-all"]\n[rules.large-offset]\nthreshold = 5000\n' > "$work/seeds/toml/example.toml"
seed plan-json Fixtures/plans/[0-9][0-9]-*[a-z].json Fixtures/fuzz/regressions/plan-json-*
seed text-plan Fixtures/plans/*.txt
seed stderr-log Fixtures/logs/*.log
seed csv-log Fixtures/logs/*.csv
seed json-log Fixtures/logs/*.json
seed log-prefix /dev/null
printf '%%m [%%p] %%q%%u@%%d \n2024-05-01 10:00:00.100 UTC [1] u@d LOG:  duration: 1.0 ms  statement: SELECT 1\n' > "$work/seeds/log-prefix/example.txt"
seed baseline /dev/null
seed envelope /dev/null
printf 'x' > "$work/seeds/baseline/empty.json"
printf 'x' > "$work/seeds/envelope/x"
# Leaks are not what the harnesses look for (thread-local storage of worker threads shows up as one).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
# Swift's backtracer handles a runtime trap (SIGILL) itself and exits before libFuzzer's handler
# saves the crashing input; with it off, libFuzzer writes the input to the crash directory.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
status=0
for target in $targets; do
  mkdir -p "$work/corpus/$target" "$work/crashes/$target"
  log=$work/$target.log
  if PGTQ_FUZZ_TARGET=$target "$work/pgtq-fuzz" -detect_leaks=0 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -runs="${FUZZ_RUNS:--1}" -max_len="${FUZZ_MAX_LEN:-65536}" -artifact_prefix="$work/crashes/$target/" "$work/corpus/$target" "$work/seeds/$target" >"$log" 2>&1; then
    runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 | grep -Eo '[0-9]+')
    took=$(grep -Eo 'Done [0-9]+ runs in [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+$')
    echo "fuzz $target: ${runs:-?} executions in ${took:-$seconds} s, no crash"
  else
    echo "fuzz $target: CRASH — input in $work/crashes/$target/, log in $log" >&2
    grep -E 'ERROR|SUMMARY' "$log" | head -3 >&2
    status=1
  fi
done
exit $status
