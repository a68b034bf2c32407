#!/usr/bin/env bash
# The package's test: builds the .deb, reads it back, installs it with apt-get as an officer's
# IT department would, starts the installed window under Xvfb on a temporary database (its
# first screen must appear), runs the installed `grantdesk`, then removes the package and
# checks that the officer's data is still there.
#   packaging/install-test.sh [release|debug]   the build to package (packaging/deb.sh);
#                                               `make test` tests the package of its debug build
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
fail() { echo "package test: $*" >&2; exit 1; }

deb=$(packaging/deb.sh "${1:-release}")
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
name=$(dpkg-deb -f "$deb" Package)
echo "package test: $deb ($(du -k "$deb" | cut -f1) KB, installed size $(dpkg-deb -f "$deb" Installed-Size) KB)"

# What the package says of itself.
[ "$name" = grantdesk ] || fail "package name $name"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version $(dpkg-deb -f "$deb" Version), workspace $version"
depends=$(dpkg-deb -f "$deb" Depends)
for need in libwebkit2gtk-4.1-0 libgtk-3-0 fonts-noto-cjk; do
  [[ $depends == *"$need"* ]] || fail "Depends lacks $need: $depends"
done
[ "$(dpkg-deb -f "$deb" Section)" = office ] || fail "section $(dpkg-deb -f "$deb" Section)"
contents=$(dpkg-deb -c "$deb")
for file in usr/bin/grantdesk-app usr/bin/grantdesk usr/share/applications/grantdesk.desktop \
  usr/share/doc/grantdesk/copyright usr/share/icons/hicolor/48x48/apps/grantdesk-app.png \
  usr/share/icons/hicolor/128x128/apps/grantdesk-app.png; do
  grep -Eq " (\./)?$file\$" <<<"$contents" || fail "the package lacks $file"
done

was_installed=0
dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" && was_installed=1
home=$(mktemp -d /tmp/grantdesk-package-home.XXXXXX)
removed=0
# Whatever happens, the machine is left without the package the test installed.
cleanup() {
  if [ "$removed" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get purge -y -qq "$name" >/dev/null 2>&1 || true
  fi
  rm -rf "$home"
}
trap cleanup EXIT
echo "package test: installing with apt-get"
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$deb" >/dev/null

# Installed: on the PATH, the files where dpkg says, the desktop entry valid and named in
# both languages.
[ "$(command -v grantdesk)" = /usr/bin/grantdesk ] || fail "grantdesk is not on the PATH"
[ "$(grantdesk --version)" = "grantdesk $version" ] || fail "grantdesk --version says $(grantdesk --version)"
listed=$(dpkg -L "$name")
for file in /usr/bin/grantdesk-app /usr/bin/grantdesk /usr/share/applications/grantdesk.desktop; do
  grep -qx "$file" <<<"$listed" || fail "dpkg -L lacks $file"
done
entry=/usr/share/applications/grantdesk.desktop
grep -qx 'Name\[zh_CN\]=科研资助管理台' "$entry" || fail "the desktop entry has no Chinese name"
grep -qx 'Categories=Office;ProjectManagement;' "$entry" || fail "the desktop entry is not in Office"
grep -qx 'Exec=grantdesk-app' "$entry" || fail "the desktop entry starts $(grep ^Exec= "$entry")"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$entry"; fi

# The officer's data: a database made by the installed CLI, and one the installed window
# opens (its first screen, in a home of its own).
data="$home/.local/share/grantdesk"
mkdir -p "$data"
HOME="$home" XDG_DATA_HOME="$home/.local/share" grantdesk --db "$data/work.db" demo >/dev/null
before=$(sha256sum "$data/work.db" | cut -d' ' -f1)
HOME="$home" GRANTDESK_APP=/usr/bin/grantdesk-app GRANTDESK_CLI=/usr/bin/grantdesk \
  GRANTDESK_PACKAGE_HOME="$home" E2E_TESTS=packaging/tests/ bash e2e/run.sh

echo "package test: removing the package"
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get purge -y -qq "$name" >/dev/null
removed=1
[ ! -e /usr/bin/grantdesk-app ] && [ ! -e /usr/bin/grantdesk ] || fail "files left after removal"
[ -f "$data/work.db" ] || fail "the officer's database went with the package"
[ "$(sha256sum "$data/work.db" | cut -d' ' -f1)" = "$before" ] || fail "the officer's database changed"
ls "$home"/.local/share/grantdesk/*.db >/dev/null || fail "the window's database went with the package"
if [ "$was_installed" = 1 ]; then
  echo "package test: GrantDesk was installed before the test; it is now removed (reinstall it with apt)" >&2
fi
echo "package test: passed"
