#!/bin/sh
# Builds every libFuzzer harness of tests/fuzz with clang under ASan and
# UBSan and runs each for SECONDS (default 60), FUZZ_JOBS at a time
# (default 1).  Run from the repository root (make fuzz does).
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]
# Outputs in build-fuzz/: the harness binaries, a working corpus per
# harness (new inputs go there; the seeds in tests/fuzz/corpus/<h>/ are
# only read), crash artifacts, each run's log, and results.txt with the
# executions each harness reached.  Exits non-zero if any harness failed.
set -u
SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
OUT=${FUZZ_BUILD:-build-fuzz}
JOBS=${FUZZ_JOBS:-1}
CC_FUZZ=${FUZZ_CC:-clang}
PKGS="libcurl libcjson yaml-0.1 libpng libmicrohttpd zlib nettle"
HARNESSES=${*:-"jsonrpc json tools_doc schema_validate schema_compile png nrrd slicer_response"}

if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }' |
     $CC_FUZZ -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
    echo "fuzz: '$CC_FUZZ -fsanitize=fuzzer' does not link; install clang and its runtime" \
         "(Debian: apt-get install clang libclang-rt-dev, or libclang-rt-14-dev)" >&2
    exit 2
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS_F="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer \
 $(pkg-config --cflags $PKGS) -Isrc -Itests/lib -Itests/fuzz -I$OUT/gen"
LIBS="$(pkg-config --libs $PKGS) -lm -lpthread -ldl"
mkdir -p "$OUT/obj" "$OUT/gen" "$OUT/artifacts" "$OUT/logs"

# tools.d's schema, embedded as the Makefile does it.
{ echo '#include "catalog/tool_schema.h"'; echo 'const char tool_schema_json[] = {';
  od -An -v -tx1 schemas/tool.schema.json | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g';
  echo '0x00 };'; echo 'const size_t tool_schema_json_len = sizeof tool_schema_json - 1;';
} > "$OUT/gen/tool_schema.c"

# The core, instrumented for coverage (fuzzer-no-link) and sanitizers, in
# an archive so each harness links only the objects it needs.
objs=""
for src in src/*/*.c "$OUT/gen/tool_schema.c"; do
    [ "$src" = src/app/main.c ] && continue
    o="$OUT/obj/$(basename "$src" .c).o"
    if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ -n "$(find src -name '*.h' -newer "$o" 2>/dev/null | head -n 1)" ]; then
        # A file that does not compile (work in progress elsewhere) is left
        # out; a harness that needs it then fails to link, loudly.
        if ! $CC_FUZZ $CFLAGS_F -fsanitize=fuzzer-no-link $SAN -c "$src" -o "$o" 2>"$o.err"; then
            echo "fuzz: warning: $src does not compile (see $o.err); left out" >&2
            rm -f "$o"
            continue
        fi
    fi
    objs="$objs $o"
done
rm -f "$OUT/libcore.a"
ar rcs "$OUT/libcore.a" $objs || exit 1

for h in $HARNESSES; do
    $CC_FUZZ $CFLAGS_F -fsanitize=fuzzer $SAN "tests/fuzz/fuzz_$h.c" "$OUT/libcore.a" $LIBS \
        -o "$OUT/fuzz_$h" || exit 1
done

# Per-harness input size limits: images and HTTP answers need room.
max_len() {
    case $1 in
        png|slicer_response) echo 65536 ;;
        nrrd|tools_doc|schema_compile) echo 16384 ;;
        *) echo 8192 ;;
    esac
}

run_one() {
    h=$1
    mkdir -p "$OUT/corpus/$h"
    FUZZ_REPO=$(pwd) UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$OUT/fuzz_$h" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -max_len="$(max_len "$h")" -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$h-" "$OUT/corpus/$h" "tests/fuzz/corpus/$h" \
        > "$OUT/logs/$h.log" 2>&1
    echo $? > "$OUT/logs/$h.rc"
}

running=0
for h in $HARNESSES; do
    run_one "$h" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait
        running=0
    fi
done
wait

status=0
: > "$OUT/results.txt"
for h in $HARNESSES; do
    rc=$(cat "$OUT/logs/$h.rc" 2>/dev/null || echo 1)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/logs/$h.log" | tail -n 1)
    [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$OUT/logs/$h.log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$OUT/logs/$h.log" | tail -n 1 | cut -d' ' -f2)
    corp=$(ls "$OUT/corpus/$h" | wc -l)
    if [ "$rc" -eq 0 ]; then verdict=ok; else verdict="FAILED (see $OUT/logs/$h.log)"; status=1; fi
    printf '%-16s %12s execs in %ss, coverage %s, corpus %s: %s\n' "$h" "${runs:-?}" \
        "$SECONDS_EACH" "${cov:-?}" "$corp" "$verdict" | tee -a "$OUT/results.txt"
done
exit $status
