#!/usr/bin/env bash
# Builds .build/pgtune-query_<version>_<arch>.deb with dpkg-deb from `make install` into a staging
# root. Depends: is read off the binary itself (each NEEDED shared library, mapped to its Debian
# package with dpkg -S), and the build fails if any library
# comes from outside Debian's packages (the Swift toolchain): the package must run on a Debian 12
# machine that has no Swift.
#
#   make deb
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(scripts/version.sh)
arch=$(dpkg --print-architecture)
stage=.build/deb/pgtune-query_${version}_${arch}
rm -rf "$stage"
make --no-print-directory install DESTDIR="$PWD/$stage" PREFIX=/usr >/dev/null
binary=$stage/usr/bin/pgtune-query

# The binary's own NEEDED libraries (their dependencies come with their packages), each found
# where ldd resolves it and mapped to the Debian package that owns it.
depends=()
resolved_paths=$(ldd "$binary")
if grep -qiE 'swift|not found' <<<"$resolved_paths"; then
  echo "make-deb: the binary needs libraries outside Debian's packages:" >&2
  grep -iE 'swift|not found' <<<"$resolved_paths" >&2
  exit 1
fi
while read -r soname; do
  [[ -n $soname ]] || continue
  library=$(awk -v name="$soname" '$1 == name && $3 ~ /^\// { print $3 } $1 ~ ("/" name "$") { print $1 }' <<<"$resolved_paths" | head -n 1)
  owner=$( { dpkg -S "$(readlink -f "$library")" || dpkg -S "$library"; } 2>/dev/null | head -n 1 || true)
  if [[ -z $library || -z $owner ]]; then
    echo "make-deb: $soname ($library) is not from a Debian package; the binary must not need it" >&2
    exit 1
  fi
  package=${owner%%:*}
  # Package names only: every Debian 12 release of these has the sonames the binary needs; only
  # glibc's symbol versions set a floor.
  if [[ $package == libc6 ]]; then package="libc6 (>= $(dpkg-query -W -f='${Version}' libc6 | cut -d- -f1))"; fi
  depends+=("$package")
done < <(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
depends_line=$(printf '%s\n' "${depends[@]}" | sort -u | paste -sd, | sed 's/,/, /g')

mkdir -p "$stage/DEBIAN" "$stage/usr/share/doc/pgtune-query"
cp LICENSE "$stage/usr/share/doc/pgtune-query/copyright"
gzip -9n <CHANGELOG.md >"$stage/usr/share/doc/pgtune-query/changelog.gz"
installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: pgtune-query
Version: $version
Architecture: $arch
Maintainer: pgtune-query developers <pgtune-query@users.noreply.github.com>
Installed-Size: $installed_size
Depends: $depends_line
Section: database
Priority: optional
Description: find what is slow or wrong in PostgreSQL SQL, and how to fix it
 Static rules on PostgreSQL's own parse tree, EXPLAIN plans checked read-only
 with hypopg-verified index advice, a CI gate on plan regressions, and
 per-query reports from PostgreSQL server logs.
CONTROL
deb=.build/pgtune-query_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
echo "Depends: $depends_line" >&2
