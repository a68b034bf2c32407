#!/usr/bin/env bash
# Builds GrantDesk's Debian package with Tauri's own bundler (`tauri bundle`, the Debian
# bundler, which downloads nothing): the window, the command line `grantdesk` on the PATH,
# the icons and a desktop entry named in Chinese and English (category Office). The
# package depends on WebKitGTK (found by the bundler) and on a Chinese font package, so
# `apt install ./grantdesk_….deb` brings everything on a fresh machine.
#   packaging/deb.sh            → prints the path of the .deb it wrote (release build)
#   packaging/deb.sh debug      → the same package of the debug build the tests use
#                                 (`cargo test --workspace --all-targets --no-run`): `make
#                                 test` packages what it has already compiled instead of
#                                 compiling every dependency a second time with optimisation
#                                 (that second build was 12 of a cold run's 30 minutes).
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

profile=${1:-release}
case "$profile" in
  release)
    # Not linted on the way (make test's clippy wrapper would lint a second time for nothing).
    env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS cargo build --release -p grantdesk-app -p grantdesk-cli >&2
    debug=() ;;
  debug)
    # The tests' own build: nothing to do when `make test` has built it (same selection, same
    # features, same compiler wrapper).
    cargo test --workspace --all-targets --no-run >&2
    debug=(--debug) ;;
  *) echo "usage: packaging/deb.sh [release|debug]" >&2; exit 2 ;;
esac
target="$(mkdir -p "${CARGO_TARGET_DIR:-target}" && cd "${CARGO_TARGET_DIR:-target}" && pwd)"
# The CLI goes in as a file of the package (the bundler's own list holds the window only);
# its path depends on the target directory, so it is given here rather than in the config.
config=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/grantdesk":"%s/%s/grantdesk"}}}}}' "$target" "$profile")
rm -rf "$target/$profile/bundle/deb"
(cd src-tauri && "$tauri" bundle "${debug[@]}" --bundles deb --ci --config "$config" >&2)
deb=$(ls "$target/$profile"/bundle/deb/*.deb)
echo "package: $deb ($(du -k "$deb" | cut -f1) KB)" >&2
echo "$deb"
