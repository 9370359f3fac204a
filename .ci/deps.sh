#!/bin/sh
# Installs the Debian -dev packages slicer-mcp builds against.  As root it
# installs them; otherwise it prints the exact command to run.
PKGS="build-essential pkg-config libcurl4-openssl-dev libcjson-dev libyaml-dev libpng-dev libmicrohttpd-dev libgnutls28-dev"
missing=""
for p in $PKGS; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
else
    echo "deps: missing packages; run:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
