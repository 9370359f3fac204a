#!/bin/sh
# make bench: builds tests/bench/bench.c (with cc and pkg-config, from the
# gateway's NRRD and statistics sources and the stand-in's phantom) and
# prints every figure with the machine it ran on.  Benchmarks are never
# timed tests: nothing here fails on a slow machine.
#
#   sh tests/bench/run.sh [BUILD]        BUILD holds slicer-mcp and slicer-sim
#   BENCH_QUICK=1 sh tests/bench/run.sh  fewer runs (10,000 calls for memory)
#   BENCH_BIG=1 sh tests/bench/run.sh    also get_volume_statistics on a 1024^3
#                                        (2 GiB) and a 512x512x2000 (1 GiB) volume
set -e
BUILD=${1:-build}
CC=${CC:-cc}
for b in slicer-mcp slicer-sim; do
    [ -x "$BUILD/$b" ] || { echo "bench: $BUILD/$b missing (run make first)"; exit 1; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/slicer-mcp-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export BENCH_TMP="$TMP"
BIN="$TMP/bench"
# shellcheck disable=SC2046
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra \
    -Isrc -Itests/lib tests/bench/bench.c tests/lib/testlib.c src/slicer/nrrd.c src/slicer/volstats.c src/slicer/img.c src/util/buf.c src/util/err.c \
    $(pkg-config --cflags --libs libcurl libcjson libpng) -lm -o "$BIN"

# The floor of any stdio gateway, for the realistic-latency comparison.
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra tests/bench/relay.c \
    $(pkg-config --cflags --libs libcurl) -o "$TMP/relay"

$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Wall -Wextra -pthread -Isrc \
    tests/bench/bench_threads.c src/util/platform.c -o "$TMP/bench_threads"

HTTPBIN="$TMP/bench_http"
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -pthread \
    -Itests/lib tests/bench/bench_http.c tests/lib/testlib.c $(pkg-config --cflags --libs libcurl) -lm -o "$HTTPBIN"

CALLS=2000; LATCALLS=400; HTTPCALLS=800; COLD=50; MEMORY=100000; IMAGES=50; VOLRUNS=9; PEERCALLS=1000
if [ -n "$BENCH_QUICK" ]; then
    CALLS=300; LATCALLS=100; HTTPCALLS=200; COLD=10; MEMORY=10000; IMAGES=10; VOLRUNS=3; PEERCALLS=200
fi

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
     "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
echo "== command: sh tests/bench/run.sh $BUILD   (make bench)"
echo
"$BIN" calls "$BUILD" "$CALLS"
echo
BENCH_AUDIT_OFF=1 "$BIN" calls "$BUILD" "$CALLS"
echo
# A realistic Slicer: its Python handlers take milliseconds per request.
BENCH_LATENCY_MS=2:0.2 "$BIN" calls "$BUILD" "$LATCALLS"
echo
BENCH_LATENCY_MS=10:1 "$BIN" calls "$BUILD" "$((LATCALLS / 2))"
echo
"$HTTPBIN" "$BUILD" 2:0.2 "$HTTPCALLS" 1 8 32 128
echo
"$BIN" cold "$BUILD" "$COLD"
echo
"$BIN" memory "$BUILD" "$MEMORY"
echo
"$BIN" images "$BUILD" "$IMAGES"
echo
BENCH_LATENCY_MS=2:0.2 "$BIN" images "$BUILD" "$IMAGES"
echo
"$TMP/bench_threads"
echo
# Against a peer-style server on the official TypeScript SDK (tests/sdk's
# pinned SDK, installed by make test; node as tests/sdk/run.sh picks it).
BENCH_NODE=$(pwd)/tests/conformance/node_modules/.bin/node
[ -x "$BENCH_NODE" ] || BENCH_NODE=$(command -v node || true)
BENCH_NODE="$BENCH_NODE" "$BIN" peer "$BUILD" "$PEERCALLS"
echo
"$BIN" fold 256 "$VOLRUNS"
echo
"$BIN" volume "$BUILD" 256 "$VOLRUNS"
echo
"$BIN" volume "$BUILD" 512 "$VOLRUNS"
echo
"$BIN" segment "$BUILD" 256 "$VOLRUNS"
echo
"$BIN" segment "$BUILD" 512 "$VOLRUNS"
# Big volumes: minutes of phantom building and 3 GiB of the sim's memory
# (one at a time), so only on request (tests/bench/README.md).
if [ -n "$BENCH_BIG" ]; then
    echo
    "$BIN" volume "$BUILD" 512x512x2000 3
    echo
    "$BIN" volume "$BUILD" 1024 3
fi
# Redaction of the recommended rules on adversarial 4 MiB strings, linked
# against the gateway's own objects.
# shellcheck disable=SC2046
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra \
    -Isrc tests/bench/bench_redact.c "$BUILD/libslicermcp.a" \
    $(pkg-config --cflags --libs libcjson yaml-0.1) -lm -o "$TMP/bench_redact"
"$TMP/bench_redact" tools.d/redact/recommended.yaml "$TMP"
