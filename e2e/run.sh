#!/usr/bin/env bash
# Runs the end-to-end tests: the real window under Xvfb, driven by tauri-driver +
# WebKitWebDriver. Expects the app and the CLI built (make test does it first).
set -euo pipefail
cd "$(dirname "$0")/.."

display="${E2E_DISPLAY:-:99}"
port="${E2E_PORT:-4444}"
pids=()
# The window keeps its size, position and last call in the configuration folder: the tests
# use their own, not the user's, and start from none.
XDG_CONFIG_HOME="$(mktemp -d /tmp/grantdesk-e2e-config.XXXXXX)"
export XDG_CONFIG_HOME
# The test seam of the file dialogs (src-tauri/src/dialog.rs, debug builds only): a test
# writes the officer's answer here before it clicks.
export GRANTDESK_TEST_DIALOG="$XDG_CONFIG_HOME/dialog-answer"
# The same for the system keyring (src-tauri/src/connection.rs): no Secret Service here.
export GRANTDESK_TEST_KEYRING="$XDG_CONFIG_HOME/keyring.json"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$XDG_CONFIG_HOME"
}
trap cleanup EXIT

if ! xdpyinfo -display "$display" >/dev/null 2>&1; then
  Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/tmp/grantdesk-xvfb.log 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
fi

export DISPLAY="$display"
tauri-driver --port "$port" >/tmp/grantdesk-tauri-driver.log 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.1
done

export WEBDRIVER_URL="http://127.0.0.1:$port"
# Beside a test server (.ci/pg), a second driver for a second window on the same database
# (WebKitWebDriver holds one session): e2e/server.test.mjs.
if [ -n "${GRANTDESK_TEST_PG:-}" ]; then
  port2=$((port + 10))
  tauri-driver --port "$port2" --native-port "$((port2 + 1))" >/tmp/grantdesk-tauri-driver2.log 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port2/status" >/dev/null 2>&1 && break
    sleep 0.1
  done
  export WEBDRIVER_URL2="http://127.0.0.1:$port2"
fi
if [ -n "${MEASURE:-}" ]; then
  node e2e/measure.mjs
  exit
fi
if [ -n "${TOUR:-}" ]; then
  node e2e/tour.mjs
  exit
fi
start=$(date +%s)
# E2E_TESTS: other test files in the same harness (the installed package's, packaging/).
timeout 1500 node --test --test-concurrency=1 "$@" ${E2E_TESTS:-e2e/}
echo "e2e: $(( $(date +%s) - start )) s"
