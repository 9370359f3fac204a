#!/bin/sh
# Runs the official MCP conformance suite against slicer-mcp's HTTP
# transport: @modelcontextprotocol/conformance 0.1.16 for the handshake era
# (2025-11-25) and 0.2.0-alpha.12 for 2026-07-28, both pinned in
# package-lock.json here, on the Node 22 that package.json also pins.
#
#   sh tests/conformance/run.sh [BUILD]      (from the repository root)
#
# Starts build/slicer-sim and build/slicer-mcp --http 127.0.0.1:0, runs the
# scenarios a Slicer gateway can meet (NOT-APPLICABLE.md lists the others),
# prints "PASS conformance-<scenario>" or "FAIL ..." per scenario (the
# 2026-07-28 runs end in "-2026-07-28"), then "N passed, N failed".
# Full suite output goes to tests/out/conformance-<scenario>.log.
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 1
OUT="$ROOT/tests/out"
mkdir -p "$OUT"
NODE="$HERE/node_modules/.bin/node"
LEGACY="$HERE/node_modules/conformance-legacy/dist/index.js"
MODERN="$HERE/node_modules/conformance-modern/dist/index.js"

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; exit $?; }

if [ ! -x "$NODE" ] || [ ! -f "$LEGACY" ] || [ ! -f "$MODERN" ]; then
    # Not installed yet: install exactly what package-lock.json pins.
    (cd "$HERE" && npm ci --no-audit --no-fund >"$OUT/conformance-npm-ci.log" 2>&1) ||
        { fail conformance-setup "npm ci failed; see tests/out/conformance-npm-ci.log"; finish; }
fi
for b in slicer-sim slicer-mcp; do
    [ -x "$BUILD/$b" ] || { fail conformance-setup "$BUILD/$b is not built"; finish; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/slicer-mcp-conformance-XXXXXX")
SIM_PID=
GW_PID=
cleanup() {
    [ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# slicer-sim prints its port on stdout.
"$BUILD/slicer-sim" --port 0 --log "$TMP/sim.log" >"$TMP/sim.port" 2>"$TMP/sim.err" &
SIM_PID=$!
i=0
while [ ! -s "$TMP/sim.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
SIM_PORT=$(head -n 1 "$TMP/sim.port")
[ -n "$SIM_PORT" ] || { fail conformance-setup "slicer-sim did not start"; finish; }

"$BUILD/slicer-mcp" --http 127.0.0.1:0 --http-port-file "$TMP/gw.port" \
    --slicer-url "http://127.0.0.1:$SIM_PORT" --tools-dir "$ROOT/tools.d" \
    --audit-log off --watch false 2>"$OUT/conformance-slicer-mcp.stderr" &
GW_PID=$!
i=0
while [ ! -s "$TMP/gw.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(head -n 1 "$TMP/gw.port")
[ -n "$PORT" ] || { fail conformance-setup "slicer-mcp --http did not start"; finish; }
URL="http://127.0.0.1:$PORT/mcp"

# run NAME SUITE [options...]: one scenario; the suite's exit status decides
# (0: every check passed or is in the baseline, and no baseline entry is stale).
run() {
    name=$1
    suite=$2
    shift 2
    log="$OUT/conformance-$name.log"
    timeout 180 "$NODE" "$suite" server --url "$URL" "$@" >"$log" 2>&1
    rc=$?
    checks=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(Passed|Total):' | tail -n 1)
    if [ $rc -eq 0 ]; then
        pass "conformance-$name"
    else
        fail "conformance-$name" "exit $rc ($checks); see tests/out/conformance-$name.log"
        sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E 'FAILURE|WARNING|Error' | head -n 10 | sed 's/^/    /'
    fi
}

# Handshake era (2025-11-25).
for s in server-initialize ping logging-set-level tools-list dns-rebinding-protection; do
    run "$s" "$LEGACY" --scenario "$s"
done
# A handshake-era scenario that only the newer package has.
run server-session-lifecycle "$MODERN" --scenario server-session-lifecycle --spec-version 2025-11-25

# The stateless revision (2026-07-28).
for s in server-stateless caching http-header-validation tools-list dns-rebinding-protection; do
    run "$s-2026-07-28" "$MODERN" --scenario "$s" --spec-version 2026-07-28 \
        --expected-failures "$HERE/expected-failures-2026-07-28.yml"
done

# After all that traffic the gateway must still stop cleanly on SIGTERM
# (status 0: under ASan/valgrind this also means no leak was reported).
kill "$GW_PID"
wait "$GW_PID"
rc=$?
GW_PID=
if [ $rc -eq 0 ]; then
    pass conformance-gateway-clean-exit
else
    fail conformance-gateway-clean-exit "slicer-mcp exited with $rc; see tests/out/conformance-slicer-mcp.stderr"
fi
finish
