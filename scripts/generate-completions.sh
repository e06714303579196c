#!/usr/bin/env bash
# Writes the bash, zsh and fish completion scripts of BINARY into DIR (swift-argument-parser
# generates them from the command definitions, so they follow every option).
#
#   scripts/generate-completions.sh .build/release/pgtune-query .build/completions
set -euo pipefail
binary=${1:?binary}
dir=${2:?output directory}
mkdir -p "$dir"
"$binary" --generate-completion-script bash >"$dir/pgtune-query.bash"
"$binary" --generate-completion-script zsh >"$dir/_pgtune-query"
"$binary" --generate-completion-script fish >"$dir/pgtune-query.fish"
