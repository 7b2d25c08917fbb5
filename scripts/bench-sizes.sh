#!/usr/bin/env bash
# Prints the sizes of what ships: the stripped release binaries and the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
size() { printf '  %-44s %12s bytes (%.1f MiB)\n' "$1" "$(stat -c %s "$2")" "$(awk -v b="$(stat -c %s "$2")" 'BEGIN {print b / 1048576}')"; }
echo "sizes (release profile: lto, codegen-units 1, opt-level s, panic abort, stripped)"
size "desktop app (target/release/reconnect-app)" target/release/reconnect-app
size "command line (target/release/reconnect)" target/release/reconnect
size "Debian package" "$(ls -t target/release/bundle/deb/*.deb | head -1)"
