#!/bin/sh
# Runs test_oauth.mjs (slicer-mcp behind oauth2-mock-server, with the SDK
# client and with mcp-remote over stdio, whose browser step fake_browser.mjs
# plays) with the packages package-lock.json pins, installed first when
# needed, on the pinned Node 22 of tests/conformance (oauth2-mock-server
# needs 22.12 or later).
#
#   sh tests/oauth/run.sh [BUILD]      (from the repository root)
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
mkdir -p tests/out
setup_failed() {
    echo "FAIL oauth_setup: $1"
    echo "0 passed, 1 failed"
    exit 1
}
[ -d tests/oauth/node_modules/oauth2-mock-server ] && [ -d tests/oauth/node_modules/mcp-remote ] ||
    (cd tests/oauth && npm ci --no-audit --no-fund) >tests/out/oauth-npm-ci.log 2>&1 ||
    setup_failed "npm ci failed; see tests/out/oauth-npm-ci.log"
NODE=tests/conformance/node_modules/.bin/node
[ -x "$NODE" ] || setup_failed "the Node 22 of tests/conformance is not installed (npm ci there)"
exec "$NODE" tests/oauth/test_oauth.mjs "$BUILD"
