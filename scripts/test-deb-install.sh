#!/usr/bin/env bash
# Installs the .deb of `make deb` with apt-get into a fresh Debian 12 root (debootstrap, minbase:
# no Swift toolchain, no build packages) and runs it there: --version, the bundled examples,
# `report` on a fixture log, the man page and the bash completion. Needs root (chroot) and
# debootstrap; the root is cached in $DEB_TEST_ROOT (default /tmp/pgtune-query-debroot) between
# runs, and the package is purged again at the end so the next run installs afresh.
#
#   make deb-test
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(scripts/version.sh)
deb=$(ls .build/pgtune-query_"${version}"_*.deb)
root=${DEB_TEST_ROOT:-/tmp/pgtune-query-debroot}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
fail() { echo "deb-test: FAIL: $*" >&2; exit 1; }

# make install / make uninstall into a staging directory: every file where packagers expect it,
# and nothing left behind.
stage=$(mktemp -d)
make --no-print-directory install DESTDIR="$stage" PREFIX=/usr/local >/dev/null
for file in bin/pgtune-query share/man/man1/pgtune-query.1 share/bash-completion/completions/pgtune-query \
  share/zsh/site-functions/_pgtune-query share/fish/vendor_completions.d/pgtune-query.fish; do
  [[ -f $stage/usr/local/$file ]] || fail "make install did not install $file"
done
make --no-print-directory uninstall DESTDIR="$stage" PREFIX=/usr/local >/dev/null
left=$(find "$stage" -type f | head -1)
[[ -z $left ]] || fail "make uninstall left $left"
rm -rf "$stage"

if [[ $(id -u) -ne 0 ]]; then echo "deb-test: make install/uninstall OK; the package test is skipped (needs root for chroot)" >&2; exit 0; fi
if [[ ! -x $root/usr/bin/apt-get ]]; then
  command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/install-deps.sh --with-test-services)"
  rm -rf "$root"
  echo "deb-test: debootstrap --variant=minbase bookworm $root" >&2
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; fail "debootstrap"; }
  # What a Debian 12 machine has configured: the release, its updates and security.
  cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
fi
mounted=()
cleanup() { for point in "${mounted[@]}"; do umount "$point" 2>/dev/null || true; done; }
trap cleanup EXIT
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

work=$root/tmp/pgtune-query-deb-test
rm -rf "$work" && mkdir -p "$work/examples"
cp "$deb" "$work/"
cp Fixtures/sql/examples/*.sql "$work/examples/"
cp Fixtures/logs/stderr-prefix-m-p-u-d.log "$work/server.log"

in_root apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends \
  "/tmp/pgtune-query-deb-test/$(basename "$deb")" >"$work/install.log" 2>&1 || { tail -20 "$work/install.log" >&2; fail "apt-get install"; }

[[ ! -e $root/opt/swift ]] && ! in_root sh -c 'command -v swift' >/dev/null || fail "a Swift toolchain is in the test root"
in_root ldd /usr/bin/pgtune-query | grep -q 'not found' && fail "missing libraries: $(in_root ldd /usr/bin/pgtune-query | grep 'not found')"
in_root ldd /usr/bin/pgtune-query | grep -qi swift && fail "the binary links Swift libraries dynamically"

got=$(in_root pgtune-query --version) || fail "--version"
[[ $got == "$version" ]] || fail "--version printed '$got', expected $version"

set +e
in_root sh -c 'pgtune-query analyze /tmp/pgtune-query-deb-test/examples/*.sql' >"$work/analyze.out" 2>&1
status=$?
set -e
[[ $status -eq 1 ]] || { cat "$work/analyze.out" >&2; fail "analyze of the examples exited $status (expected 1: findings)"; }
grep -q 'error: \[compare-to-null\]' "$work/analyze.out" || fail "analyze found no compare-to-null in the examples"

in_root pgtune-query report --no-store /tmp/pgtune-query-deb-test/server.log >"$work/report.out" 2>&1 || { cat "$work/report.out" >&2; fail "report"; }
grep -q 'queries' "$work/report.out" || fail "report printed no query summary"

[[ -f $root/usr/share/man/man1/pgtune-query.1 ]] || fail "man page not installed"
[[ -f $root/usr/share/bash-completion/completions/pgtune-query ]] || fail "bash completion not installed"
[[ -f $root/usr/share/zsh/site-functions/_pgtune-query ]] || fail "zsh completion not installed"
[[ -f $root/usr/share/fish/vendor_completions.d/pgtune-query.fish ]] || fail "fish completion not installed"

DEBIAN_FRONTEND=noninteractive in_root apt-get purge -y -qq pgtune-query >/dev/null 2>&1 || fail "apt-get purge"
[[ ! -e $root/usr/bin/pgtune-query ]] || fail "purge left /usr/bin/pgtune-query"
rm -rf "$work"
echo "deb-test: make install/uninstall OK; $(basename "$deb") installed into a fresh Debian 12 root; --version, analyze, report, man page and completions OK; purged"
