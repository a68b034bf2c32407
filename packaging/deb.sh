#!/usr/bin/env bash
# Builds GrantDesk's Debian package with Tauri's own bundler (`tauri bundle`, the Debian
# bundler, which downloads nothing): the window, the command line `grantdesk` on the PATH,
# the icons and a desktop entry named in Chinese and English (category Office). The
# package depends on WebKitGTK (found by the bundler) and on a Chinese font package, so
# `apt install ./grantdesk_….deb` brings everything on a fresh machine.
#   packaging/deb.sh            → prints the path of the .deb it wrote
# Tauri's CLI comes from the npm registry as its prebuilt binary, pinned to the tauri
# crate's version, into ~/.cache/grantdesk (seconds, once); building it from crates.io would
# take a quarter of an hour on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/deps package >&2
cli_version=2.12.5
tools="${XDG_CACHE_HOME:-$HOME/.cache}/grantdesk/tauri-cli-$cli_version"
tauri="$tools/node_modules/.bin/tauri"
if ! "$tauri" --version 2>/dev/null | grep -qx "tauri-cli $cli_version"; then
  echo "package: installing Tauri's CLI $cli_version from the npm registry" >&2
  npm install --prefix "$tools" --no-audit --no-fund --no-save --silent "@tauri-apps/cli@$cli_version" >&2
fi

cargo build --release -p grantdesk-app -p grantdesk-cli >&2
target="$(mkdir -p "${CARGO_TARGET_DIR:-target}" && cd "${CARGO_TARGET_DIR:-target}" && pwd)"
# The CLI goes in as a file of the package (the bundler's own list holds the window only);
# its path depends on the target directory, so it is given here rather than in the config.
config=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/grantdesk":"%s/release/grantdesk"}}}}}' "$target")
rm -rf "$target/release/bundle/deb"
(cd src-tauri && "$tauri" bundle --bundles deb --ci --config "$config" >&2)
deb=$(ls "$target"/release/bundle/deb/*.deb)
echo "package: $deb ($(du -k "$deb" | cut -f1) KB)" >&2
echo "$deb"
