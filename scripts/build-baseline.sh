#!/usr/bin/env bash
# Builds the empty Tauri 2 window of ../shared/baseline/empty-tauri with this project's release
# profile, for the benchmark's ratios. The source is read-only there, so it is copied first;
# its own Cargo.lock keeps its Tauri version. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
src=../shared/baseline/empty-tauri
if [ ! -d "$src" ]; then
  echo "no empty-window baseline at $src" >&2
  exit 1
fi
work=target/baseline
rm -rf "$work/src"
mkdir -p "$work"
cp -r "$src" "$work/src"
# The same settings as this project's [profile.release] (Cargo.toml).
(cd "$work/src" && CARGO_TARGET_DIR="$PWD/../build" cargo build --release --quiet \
  --features tauri/custom-protocol \
  --config 'profile.release.codegen-units=1' --config 'profile.release.lto=true' \
  --config 'profile.release.opt-level="s"' --config 'profile.release.panic="abort"' \
  --config 'profile.release.strip=true' >&2)
echo "$PWD/$work/build/release/empty-window"
