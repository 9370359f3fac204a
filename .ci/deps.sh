#!/bin/sh
# Checks, with pkg-config as the build does, the libraries slicer-mcp
# builds against (the modules named as arguments) and names what is
# missing.  With --install, as root on Debian (make test, make demo, CI),
# installs their -dev packages; otherwise prints the command to run.
install=0
[ "$1" = --install ] && { install=1; shift; }
[ $# -gt 0 ] || set -- libcurl libcjson yaml-0.1 libpng libmicrohttpd zlib gnutls

deb_of() {
    case $1 in
    libcurl) echo libcurl4-openssl-dev ;;
    libcjson) echo libcjson-dev ;;
    yaml-0.1) echo libyaml-dev ;;
    libpng*) echo libpng-dev ;;
    libmicrohttpd) echo libmicrohttpd-dev ;;
    zlib) echo zlib1g-dev ;;
    gnutls) echo libgnutls28-dev ;;
    nettle) echo nettle-dev ;;
    *) echo "$1" ;;
    esac
}
brew_of() {
    case $1 in
    libcurl) echo curl ;;
    libcjson) echo cjson ;;
    yaml-0.1) echo libyaml ;;
    libpng*) echo libpng ;;
    libmicrohttpd) echo libmicrohttpd ;;
    zlib) echo zlib ;;
    gnutls) echo gnutls ;;
    nettle) echo nettle ;;
    *) echo "$1" ;;
    esac
}

missing=""
debs=""
brews=""
if ! command -v pkg-config >/dev/null 2>&1; then
    missing="pkg-config"
    debs="pkg-config"
    brews="pkg-config"
    mods="$*"
else
    mods=""
    for m in "$@"; do
        pkg-config --exists "$m" 2>/dev/null || mods="$mods $m"
    done
fi
for m in $mods; do
    missing="$missing $m"
    debs="$debs $(deb_of "$m")"
    brews="$brews $(brew_of "$m")"
done
command -v "${CC:-cc}" >/dev/null 2>&1 || { missing="$missing ${CC:-cc}"; debs="$debs build-essential"; }
[ -z "$missing" ] && exit 0

echo "deps: missing (pkg-config modules and tools):$missing" >&2
if command -v apt-get >/dev/null 2>&1; then
    if [ "$install" = 1 ] && [ "$(id -u)" = 0 ]; then
        echo "deps: installing$debs" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $debs >&2 && exit 0
        exit 1
    fi
    echo "deps: install them with:" >&2
    echo "  sudo apt-get install -y$debs" >&2
elif command -v brew >/dev/null 2>&1; then
    echo "deps: install them with:" >&2
    echo "  brew install$brews" >&2
else
    echo "deps: install the development packages that provide them (the .pc files pkg-config reads)" >&2
fi
exit 1
