#!/usr/bin/env bash
# Regenerates man/pgtune-query.1 from the command definitions (swift-argument-parser's
# generate-manual plugin, offline), then replaces the plugin's generic EXIT STATUS with
# man/sections.mdoc (exit codes, environment, files, examples).
#
#   scripts/generate-man-page.sh [OUTPUT]     default OUTPUT: man/pgtune-query.1
#
# The date is fixed (MAN_DATE) so the page is reproducible; bump it with user-visible changes.
set -euo pipefail
cd "$(dirname "$0")/.."
MAN_DATE=2026-11-29
output=${1:-man/pgtune-query.1}

swift package --allow-writing-to-package-directory generate-manual \
  --date "$MAN_DATE" --configuration debug >/dev/null 2>&1 \
  || swift package --allow-writing-to-package-directory generate-manual --date "$MAN_DATE" --configuration debug
generated=$(find .build/plugins/GenerateManual/outputs/pgtune-query -name pgtune-query.1 | head -n 1)

mkdir -p "$(dirname "$output")"
{
  # Everything before the plugin's generic EXIT STATUS section, then ours.
  # The version comes from Version.swift, like --version and the .deb (scripts/version.sh).
  sed -e '/^\.Sh "EXIT STATUS"/,$d' -e "s/^\.Os\$/.Os pgtune-query $(scripts/version.sh)/" "$generated"
  cat man/sections.mdoc
} >"$output"
echo "wrote $output" >&2
