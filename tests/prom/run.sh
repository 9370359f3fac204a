#!/bin/sh
# Runs test_prom.mjs (slicer-mcp's /metrics through a Prometheus text-format
# parser) with the packages package-lock.json pins, installed first when
# needed, on the pinned Node 22 of tests/conformance.
#
#   sh tests/prom/run.sh [BUILD]      (from the repository root)
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
mkdir -p tests/out
setup_failed() {
    echo "FAIL prom_setup: $1"
    echo "0 passed, 1 failed"
    exit 1
}
[ -d tests/prom/node_modules/parse-prometheus-text-format ] ||
    (cd tests/prom && npm ci --no-audit --no-fund) >tests/out/prom-npm-ci.log 2>&1 ||
    setup_failed "npm ci failed; see tests/out/prom-npm-ci.log"
NODE=tests/conformance/node_modules/.bin/node
[ -x "$NODE" ] || setup_failed "the Node 22 of tests/conformance is not installed (npm ci there)"
exec "$NODE" tests/prom/test_prom.mjs "$BUILD"
