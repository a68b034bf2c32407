#!/usr/bin/env bash
# Runs the end-to-end tests: the real window under Xvfb, driven by tauri-driver +
# WebKitWebDriver. Expects the app and the CLI built (make test does it first).
set -euo pipefail
cd "$(dirname "$0")/.."

display="${E2E_DISPLAY:-:99}"
port="${E2E_PORT:-4444}"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
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
if [ -n "${MEASURE:-}" ]; then
  node e2e/measure.mjs
  exit
fi
start=$(date +%s)
timeout 1500 node --test --test-concurrency=1 "$@" e2e/
echo "e2e: $(( $(date +%s) - start )) s"
