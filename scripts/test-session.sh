#!/usr/bin/env bash
# Runs a command the way the tests need the desktop: a private session bus, a throwaway
# GNOME keyring that is unlocked, a virtual X display, and the desktop's notification service
# (dunst, started by the bus when the app first notifies, on that display). Nothing touches
# the user's own keyring, config, display or notifications.
set -euo pipefail
scratch=$(mktemp -d "${TMPDIR:-/tmp}/reconnect-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export RECONNECT_TEST_SCRATCH="$scratch"
dbus-run-session -- bash -c '
  eval "$(printf reconnect-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash -c "
    dbus-update-activation-environment DISPLAY XAUTHORITY
    exec \"\$@\"
  " bash "$@"
' bash "$@"
