#!/usr/bin/env bash
# Installs the Salesforce CLI and the Node 22 it needs into .tools/sf, once, for `make bench`
# (the peer Reconnect's verification is measured against). Telemetry and update checks are
# turned off where it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.tools/sf
if [ ! -x "$dir/node_modules/.bin/sf" ] || [ ! -x "$dir/node_modules/.bin/node" ]; then
  echo "[bench] Installing the Salesforce CLI and Node 22 into $dir (about a minute, ~480 MB)"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error node@22 @salesforce/cli@2.146.3 >/dev/null
fi
