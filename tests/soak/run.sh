#!/bin/sh
# The soak test (make soak; not part of make test): builds tests/soak/soak.c
# against the test library and runs it against BUILD's slicer-mcp and
# slicer-sim: CALLS requests over stdio, then HTTP_CALLS over HTTP when
# the binary has --http.   tests/soak/run.sh [BUILD] [CALLS] [SEED] [HTTP_CALLS]
BUILD=${1:-build}
CALLS=${2:-100000}
SEED=${3:-12345}
HTTP_CALLS=${4:-20000}
"$BUILD/slicer-mcp" --help 2>/dev/null | grep -q -- '--http ' || HTTP_CALLS=0
PKGS="libcurl libcjson"
export BUILD_DIR="$BUILD"
[ -x "$BUILD/slicer-mcp" ] && [ -x "$BUILD/slicer-sim" ] || { echo "soak: build $BUILD first (make all)"; exit 2; }
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -Werror \
    $(pkg-config --cflags $PKGS) -Isrc -Itests/lib \
    tests/soak/soak.c tests/lib/testlib.c tests/lib/mcpclient.c \
    $(pkg-config --libs $PKGS) -lm -o "$BUILD/soak" || exit 1
mkdir -p tests/out
"$BUILD/soak" "$CALLS" "$SEED" "$HTTP_CALLS" 2>&1 | tee tests/out/soak.log
exit "$(sed -n 's/^soak: PASS.*/0/p; s/^soak: FAIL.*/1/p' tests/out/soak.log | tail -n 1 | grep . || echo 1)"
