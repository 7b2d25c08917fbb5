#!/usr/bin/env bash
# Runs the app where there is no display: starts it under Xvfb, waits for its window, saves a
# screenshot, prints the screenshot's path and exits.
set -euo pipefail
app="$1"
out="$2"
mkdir -p "$(dirname "$out")"
inner=$(cat <<'INNER'
set -euo pipefail
"$APP" & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"Reconnect"'; then break; fi
  kill -0 $pid 2>/dev/null || { echo "The app exited before showing its window." >&2; exit 1; }
  sleep 0.25
done
xwininfo -root -tree | grep -q '"Reconnect"' || { echo "The app's window did not appear within 30 s." >&2; exit 1; }
# Let the page finish its first paint.
sleep 2
import -window root "$OUT"
INNER
)
APP="$app" OUT="$out" dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c "$inner" 2>/dev/null
echo "No display here, so Reconnect ran under Xvfb. Screenshot: $out"
