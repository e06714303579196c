#!/usr/bin/env bash
# Prints the version: Sources/PGTuneQueryCore/Support/Version.swift is its one source
# (--version, the .deb, the man page).
set -euo pipefail
cd "$(dirname "$0")/.."
sed -n 's/.*static let current = "\(.*\)"/\1/p' Sources/PGTuneQueryCore/Support/Version.swift
