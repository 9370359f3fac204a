#!/bin/sh
# make bench: builds tests/bench/bench.c (with cc and pkg-config, from the
# gateway's NRRD and statistics sources and the stand-in's phantom) and
# prints every figure with the machine it ran on.  Benchmarks are never
# timed tests: nothing here fails on a slow machine.
#
#   sh tests/bench/run.sh [BUILD]        BUILD holds slicer-mcp and slicer-sim
#   BENCH_QUICK=1 sh tests/bench/run.sh  fewer runs (10,000 calls for memory)
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
    -Isrc -Itests/lib tests/bench/bench.c tests/lib/testlib.c src/slicer/nrrd.c src/slicer/volstats.c src/slicer/img.c src/util/err.c \
    $(pkg-config --cflags --libs libcurl libcjson libpng) -lm -o "$BIN"

CALLS=2000; COLD=50; MEMORY=100000; IMAGES=50; VOLRUNS=9
if [ -n "$BENCH_QUICK" ]; then
    CALLS=300; COLD=10; MEMORY=10000; IMAGES=10; VOLRUNS=3
fi

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
     "$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
echo "== command: sh tests/bench/run.sh $BUILD   (make bench)"
echo
"$BIN" calls "$BUILD" "$CALLS"
echo
BENCH_AUDIT_OFF=1 "$BIN" calls "$BUILD" "$CALLS"
echo
"$BIN" cold "$BUILD" "$COLD"
echo
"$BIN" memory "$BUILD" "$MEMORY"
echo
"$BIN" images "$BUILD" "$IMAGES"
echo
"$BIN" fold 256 "$VOLRUNS"
echo
"$BIN" volume "$BUILD" 256 "$VOLRUNS"
echo
"$BIN" volume "$BUILD" 512 "$VOLRUNS"
echo
# Redaction of the recommended rules on adversarial 4 MiB strings, linked
# against the gateway's own objects.
# shellcheck disable=SC2046
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra \
    -Isrc tests/bench/bench_redact.c "$BUILD/libslicermcp.a" \
    $(pkg-config --cflags --libs libcjson yaml-0.1) -lm -o "$TMP/bench_redact"
"$TMP/bench_redact" tools.d/redact/recommended.yaml "$TMP"
