#!/usr/bin/env bash
# Installs what is missing, builds, and analyzes the bundled examples (no server needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The same build as `make release` / `make install`: the Swift runtime linked in.
swift build -c release --product pgtune-query --static-swift-stdlib
set +e
.build/release/pgtune-query analyze Fixtures/sql/examples/*.sql
status=$?
set -e
echo "(exit status $status: 1 means findings at or above --fail-on, as expected for these examples)"
