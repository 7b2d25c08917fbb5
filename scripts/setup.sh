#!/usr/bin/env bash
# Installs everything Reconnect needs to build, run and test, and nothing twice: Debian
# packages, the UI's npm packages, the Tauri CLI and tauri-driver. Safe to run again at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup]\033[0m %s\n' "$*" >&2; exit 1; }

# Build: Tauri's WebKitGTK stack. Tests: a virtual X server, the WebKit WebDriver, a session
# bus with the desktop keychain and a notification service (dunst), Chromium as the browser
# the sign-in tests drive, and tools to look at and register the app.
DEBIAN_PACKAGES=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  xvfb xauth x11-utils webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools dunst
  imagemagick xdg-utils desktop-file-utils fonts-droid-fallback chromium chromium-driver
  python3 python3-venv
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || die "Missing Debian packages: ${missing[*]}. Run this as root, or install them with sudo apt-get install."
  say "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The archive sometimes fails once mid-download; the same command then succeeds.
  for attempt in 1 2 3; do
    if apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; then break; fi
    [ "$attempt" = 3 ] && die "apt-get failed three times; check the network and run again."
    say "apt-get failed; trying again ($attempt/3)"
    sleep 5
  done
fi

command -v cargo >/dev/null || die "No Rust toolchain: install Rust 1.90 or newer (rustup), then run again."

# Vite 8 needs Node 20.19 or newer; the machine's Node is used when it is new enough.
node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; }
if ! node_ok; then
  if [ ! -x .tools/node/node_modules/node/bin/node ]; then
    command -v npm >/dev/null || { say "Installing npm"; apt-get install -y -q nodejs npm; }
    say "Installing Node 22 from npm into .tools/node"
    npm install --prefix .tools/node --no-audit --no-fund node@22 >/dev/null
  fi
  export PATH="$PWD/.tools/node/node_modules/node/bin:$PATH"
  node_ok || die "Node 20.19 or newer is needed and could not be installed."
fi

# npm ci only when the lock file changed since the last install.
if [ ! -f ui/node_modules/.installed ] || [ ui/package-lock.json -nt ui/node_modules/.installed ]; then
  say "Installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  touch ui/node_modules/.installed
fi

# The Tauri CLI that makes the .deb: npm's prebuilt binary (seconds) rather than `cargo install
# tauri-cli` (about 15 minutes). It sits outside ui/ because the lock file would have to list
# every platform's binary, and the registry reachable here serves only the Linux ones.
TAURI_CLI_VERSION=2.12.5
if [ "$(.tools/tauri-cli/node_modules/.bin/tauri --version 2>/dev/null)" != "tauri-cli $TAURI_CLI_VERSION" ]; then
  say "Installing the Tauri CLI $TAURI_CLI_VERSION into .tools/tauri-cli"
  npm install --prefix .tools/tauri-cli --no-audit --no-fund --loglevel=error "@tauri-apps/cli@$TAURI_CLI_VERSION" >/dev/null
fi

# Peers nobody at Reconnect wrote, run by the tests: jsforce (a Salesforce client) and
# oidc-provider (a certified OpenID provider), from the lock file in tests/peers.
if [ ! -f tests/peers/node_modules/.installed ] || [ tests/peers/package-lock.json -nt tests/peers/node_modules/.installed ]; then
  say "Installing the test peers (jsforce, oidc-provider)"
  (cd tests/peers && npm ci --no-audit --no-fund --loglevel=error)
  touch tests/peers/node_modules/.installed
fi

# simple-salesforce, the Python Salesforce client, in its own virtual environment.
SIMPLE_SALESFORCE_VERSION=1.12.10
if [ "$(.tools/py/bin/python -c 'import importlib.metadata as m; print(m.version("simple-salesforce"))' 2>/dev/null)" != "$SIMPLE_SALESFORCE_VERSION" ]; then
  say "Installing simple-salesforce $SIMPLE_SALESFORCE_VERSION into .tools/py"
  python3 -m venv .tools/py
  .tools/py/bin/pip install --quiet --disable-pip-version-check "simple-salesforce==$SIMPLE_SALESFORCE_VERSION"
fi

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if [ ! -x "$cargo_bin/tauri-driver" ]; then
  say "Installing tauri-driver (about a minute)"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
