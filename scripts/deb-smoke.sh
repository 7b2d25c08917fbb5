#!/usr/bin/env bash
# Installs the built .deb into this machine, checks what it put where, opens a reconnect://
# link through the desktop's own handler lookup (xdg-open), which must start the installed
# app at the linked step, then removes the package. Run inside scripts/test-session.sh (a
# session bus, Xvfb and throwaway XDG folders). Prints a cargo-style result line.
# Usage: deb-smoke.sh [BUNDLE_DIR] (default target/release/bundle/deb, where `make dist` puts it)
set -uo pipefail
cd "$(dirname "$0")/.."

deb=$(ls -t "${1:-target/release/bundle/deb}"/*.deb 2>/dev/null | head -1)
passed=0 failed=0
check() { # name, command...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "package check $name ... ok"
  else failed=$((failed + 1)); echo "package check $name ... FAILED"; fi
}
finish() {
  echo "test result: $([ "$failed" = 0 ] && echo ok || echo FAILED). $passed passed; $failed failed; (the .deb, installed and started)"
  [ "$failed" = 0 ]
  exit
}
[ -n "$deb" ] || { echo "no .deb: run make dist first"; failed=1; finish; }
as_root=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "installing the .deb needs root or sudo"; failed=1; finish; }
  as_root=(sudo)
fi

package=$(dpkg-deb -f "$deb" Package)
echo "installing $deb ($package, $(stat -c %s "$deb") bytes)"
check install "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "./$deb" >/dev/null
trap '"${as_root[@]}" dpkg -r "$package" >/dev/null 2>&1' EXIT

entry=$(dpkg -L "$package" | grep '/usr/share/applications/.*\.desktop$' | head -1)
check binary test -x /usr/bin/reconnect-app
check desktop-entry-valid desktop-file-validate "$entry"
check desktop-entry-opens-links grep -q '^Exec=reconnect-app %u$' "$entry"
check desktop-entry-scheme grep -q '^MimeType=.*x-scheme-handler/reconnect;' "$entry"
check icons sh -c "dpkg -L '$package' | grep -q '/usr/share/icons/hicolor/.*/apps/reconnect-app.png'"
check scheme-handler sh -c "xdg-mime query default x-scheme-handler/reconnect | grep -qx '$(basename "$entry")'"

# Open a link the way a browser or mail program does; the installed app must start at the
# linked step with the answers filled in.
exp=$(( $(date +%s) + 3600 ))
xdg-open "reconnect://wizard?v=1&exp=$exp&use=data-sync&region=eu&step=org" >/dev/null 2>&1 &
state="$XDG_CONFIG_HOME/app.reconnect.desktop/wizard-state.json"
started=no
for _ in $(seq 1 120); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"Reconnect"' && [ -f "$state" ]; then started=yes; break; fi
  sleep 0.25
done
check starts-from-a-link test "$started" = yes
check opens-the-linked-step sh -c "grep -q '\"current\": *\"org\"' '$state' && grep -q '\"region\": *\"eu\"' '$state'"
pkill -f /usr/bin/reconnect-app
sleep 1
check removes "${as_root[@]}" dpkg -r "$package" >/dev/null
check removed test ! -e /usr/bin/reconnect-app
trap - EXIT
finish
