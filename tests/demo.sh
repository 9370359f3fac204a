#!/bin/sh
# make demo: a real MCP session through slicer-mcp against slicer-sim.
BUILD=${1:-build}
mkdir -p tests/out
BUILD_DIR="$BUILD" KEEP_TMP= "$BUILD/slicer-mcp-demo"
