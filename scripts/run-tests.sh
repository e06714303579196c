#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: install packages, start PostgreSQL/Redis/
# Memcached on loopback, run `swift test`, and stop the servers whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --with-test-services
trap 'scripts/test-services.sh stop' EXIT
scripts/test-services.sh start
eval "$(scripts/test-services.sh env)"
# Tests that need a server fail (instead of skipping) when it is missing.
export PGTUNE_REQUIRE_SERVICES=1
# Regenerate the man page beside the committed one; ManPageTests fails if they differ.
scripts/generate-man-page.sh .build/man-check/pgtune-query.1
# The core's folders point one way and commands stay thin (ARCHITECTURE.md).
mkdir -p .build && python3 scripts/layer-graph.py --check > .build/layer-graph.txt || { cat .build/layer-graph.txt; exit 1; }
swift build --build-tests
swift test --skip-build --parallel --num-workers 2 "$@"
# The package: a static-stdlib release build, `make deb`, and the .deb installed into a fresh
# Debian 12 root (debootstrap) and run there without Swift. Only for the whole suite, as root.
if [[ $# -eq 0 && -z ${PGTUNE_SKIP_DEB_TEST:-} ]]; then
  make --no-print-directory deb-test
fi
