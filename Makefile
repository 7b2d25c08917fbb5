# The README's two commands: `make run` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := run
export PATH := $(CURDIR)/.tools/node/node_modules/node/bin:$(HOME)/.cargo/bin:$(PATH)

# A private session bus, an unlocked throwaway keyring and a virtual display.
TEST_SESSION := scripts/test-session.sh
APP := target/debug/reconnect-app

.PHONY: setup ui app run test lint-ui types lint-rust bench fuzz dist deb-debug

setup:
	@scripts/setup.sh

ui: setup
	cd ui && npm run --silent build

app: ui
	cargo build --workspace

# On a desktop, opens the window; with no display, runs it under Xvfb and saves a screenshot.
run: app
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then $(APP); \
	else scripts/run-headless.sh $(APP) $(CURDIR)/target/screenshots/run.png; fi

lint-ui: setup
	cd ui && npm run --silent check && npm run --silent lint

# The UI's TypeScript types, generated from the Rust types (`make test` checks they are current).
types:
	UPDATE_UI_TYPES=1 cargo test -p reconnect-api --test ui_types --quiet

lint-rust:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings

# Every test: UI type check and lint, Rust format and lint, unit and end-to-end tests
# (the real-window ones under Xvfb; keychain tests against a throwaway GNOME keyring), then
# the .deb: installed, opened through xdg-open with a reconnect:// link, and removed.
test: ui lint-ui lint-rust deb-debug
	@mkdir -p target
	set -o pipefail; $(TEST_SESSION) cargo test --workspace --no-fail-fast 2>&1 | grep -v -e '^dbus-daemon' -e 'SpiRegistry' | tee target/test.log
	set -o pipefail; $(TEST_SESSION) scripts/deb-smoke.sh target/debug/bundle/deb 2>/dev/null | tee -a target/test.log
	@awk '/^test result:/ {p += $$4; f += $$6} END {printf "\nall tests: %d passed, %d failed\n", p, f}' target/test.log

# Figures, never assertions: sizes, sign-in time, verification against the practice org
# beside one query at a time and beside the Salesforce CLI (installed into .tools/sf), and the
# release app's start-up and idle memory under Xvfb beside the empty Tauri 2 window of
# ../shared/baseline (built with the same release profile), with the ratios.
bench: setup dist
	cargo build --release -p reconnect-cli
	@scripts/install-sf.sh
	@scripts/bench-sizes.sh
	$(TEST_SESSION) env SF_TOOLS_BIN=$(CURDIR)/.tools/sf/node_modules/.bin cargo bench -p reconnect-gainsight --bench verify
	$(TEST_SESSION) env SF_TOOLS_BIN=$(CURDIR)/.tools/sf/node_modules/.bin RECONNECT_CLI_BIN=$(CURDIR)/target/release/reconnect cargo bench -p reconnect-hardening --bench audit
	$(TEST_SESSION) cargo bench -p reconnect-engine --bench sign_in
	$(TEST_SESSION) env BASELINE_APP_BIN=$$(scripts/build-baseline.sh) cargo bench -p reconnect-app --bench startup

# The Debian package: the release app, its icons, and a desktop entry that opens reconnect://
# links (AppImage bundling downloads tools from the internet, which this build cannot reach).
# The UI is built by the `ui` step; the Tauri CLI would run its own build from ui/.
TAURI_BUNDLE := .tools/tauri-cli/node_modules/.bin/tauri build --bundles deb --ci --config '{"build":{"beforeBuildCommand":null}}'
dist: ui
	$(TAURI_BUNDLE)
	@ls -l target/release/bundle/deb/*.deb

# The same package from the debug build, for `make test`: the tests keep to one cargo profile.
deb-debug: ui
	$(TAURI_BUNDLE) --debug
	@ls -l target/debug/bundle/deb/*.deb

# The link parser under a mutation fuzzer, over every playbook's vocabulary: a million inputs (FUZZ_INPUTS to change),
# figures printed. Separate from `make test`, which runs its property tests.
FUZZ_INPUTS ?= 1000000
fuzz:
	cargo run --release -p reconnect-api --example fuzz_links -- $(FUZZ_INPUTS)
