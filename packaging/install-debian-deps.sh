#!/bin/sh
# Installs what building, testing and running Runlens needs on Debian 12 (as root, or through sudo).
# The package list is the project's Debian dependency list; packaging/check-install-list.py (a test) proves that
# it holds everything the build uses. `install-debian-deps.sh --list` prints the list.
set -eu
PACKAGES="build-essential cmake ninja-build pkg-config
  qt6-base-dev libqt6svg6-dev libqt6sql6-sqlite libsqlite3-dev
  libyaml-cpp-dev libprotobuf-dev protobuf-compiler clang-14 libclang-rt-14-dev
  fonts-dejavu-core python3 python3-pip
  dpkg-dev file desktop-file-utils appstream shared-mime-info libglib2.0-bin"
if [ "${1:-}" = "--list" ]; then
    echo $PACKAGES
    exit 0
fi
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "Installing:$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
