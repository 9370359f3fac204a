#!/bin/sh
# Runs every test program in BUILD/tests and prints one closing line,
# "N passed, N failed", counting the PASS/FAIL lines they print.  A program
# that crashes or exits non-zero without a FAIL line counts as one failure.
BUILD=${1:-build}
export BUILD_DIR="$BUILD"
mkdir -p tests/out
passed=0
failed=0
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    out=$("$t" 2>"tests/out/$name.stderr")
    rc=$?
    printf '%s\n' "$out" | sed "s/^/[$name] /"
    p=$(printf '%s\n' "$out" | grep -c '^PASS ')
    f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "[$name] FAIL exited with status $rc; stderr in tests/out/$name.stderr"
        tail -n 20 "tests/out/$name.stderr" | sed "s/^/[$name]   /"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
