#!/bin/sh
# Runs the end-to-end test programs with every slicer-mcp they start
# wrapped in valgrind memcheck (tests/lib/mcpclient.c honours
# SLICER_MCP_WRAPPER), two programs at a time, and fails on any valgrind
# error or leak (definite or indirect) in any gateway process.
#   tests/valgrind.sh [BUILD] [TEST...]     (default build, every test_e2e_*)
# Waits for the gateway and the tests' latency bounds on it are stretched
# (SLICER_MCP_TIME_SCALE, t_mcp_bound); test results are reported, only
# valgrind's verdict decides the exit status.  Logs: tests/out/valgrind/.
BUILD=${1:-build}
[ $# -gt 0 ] && shift
export BUILD_DIR="$BUILD"
# Absolute: test_e2e_install starts the installed gateway from another
# folder, where a relative --log-file would leave valgrind no log to write.
OUT=$(pwd)/tests/out/valgrind
JOBS=${VALGRIND_JOBS:-2}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)"; exit 2; }
[ -x "$BUILD/slicer-mcp" ] || { echo "valgrind.sh: $BUILD/slicer-mcp missing (make all)"; exit 2; }
rm -rf "$OUT"
mkdir -p "$OUT"
export SLICER_MCP_WRAPPER="valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-fds=no --num-callers=30 --log-file=$OUT/vg.%p.log"
export SLICER_MCP_TIME_SCALE=${SLICER_MCP_TIME_SCALE:-8}

tests=${*:-$(ls "$BUILD"/tests/test_e2e_* 2>/dev/null)}
start=$(date +%s)
# A pool of JOBS: the next program starts as soon as one ends (pairs
# that waited for their slower half left a CPU idle).
export OUT
printf '%s\n' $tests | xargs -P "$JOBS" -I{} sh -c \
    'n=$(basename "$1"); "$1" > "$OUT/$n.out" 2> "$OUT/$n.stderr"; echo $? > "$OUT/$n.rc"' _ {}
secs=$(( $(date +%s) - start ))

passed=0
failed=0
for t in $tests; do
    name=$(basename "$t")
    p=$(grep -c '^PASS ' "$OUT/$name.out")
    f=$(grep -c '^FAIL ' "$OUT/$name.out")
    passed=$((passed + p))
    failed=$((failed + f))
    grep '^FAIL ' "$OUT/$name.out" | sed "s/^/[$name] (under valgrind) /"
done

logs=$(ls "$OUT"/vg.*.log 2>/dev/null | wc -l)
complete=$(grep -l 'ERROR SUMMARY:' "$OUT"/vg.*.log 2>/dev/null | wc -l)
bad=$(grep -L 'ERROR SUMMARY: 0 errors' $(grep -l 'ERROR SUMMARY:' "$OUT"/vg.*.log 2>/dev/null) 2>/dev/null)
echo "valgrind: $logs gateway processes, $complete ran to exit ($((logs - complete)) killed on purpose or by a test), ${secs}s"
echo "valgrind: tests under valgrind: $passed passed, $failed failed"
if [ -n "$bad" ]; then
    for f in $bad; do
        echo "valgrind: errors in $f:"
        grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|Invalid|uninitialised|Mismatched' "$f" | head -n 20
    done
    echo "valgrind: FAILED"
    exit 1
fi
echo "valgrind: no errors, no leaks"
exit 0
