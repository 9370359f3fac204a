#!/bin/sh
# Runs the TypeScript SDK end-to-end test (test_sdk.mjs) with the SDK
# version package-lock.json pins, installing it first when needed.
#
#   sh tests/sdk/run.sh [BUILD]      (from the repository root)
#
# Node: the pinned Node 22 of tests/conformance when installed, else the
# machine's node (the SDK needs >= 18).  Prints PASS/FAIL lines and
# "N passed, N failed".
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 1
mkdir -p tests/out
if [ ! -d "$HERE/node_modules/@modelcontextprotocol/sdk" ]; then
    (cd "$HERE" && npm ci --no-audit --no-fund >"$ROOT/tests/out/sdk-npm-ci.log" 2>&1) || {
        echo "FAIL sdk_setup: npm ci failed; see tests/out/sdk-npm-ci.log"
        echo "0 passed, 1 failed"
        exit 1
    }
fi
NODE="$ROOT/tests/conformance/node_modules/.bin/node"
[ -x "$NODE" ] || NODE=node
exec "$NODE" "$HERE/test_sdk.mjs" "$BUILD"
