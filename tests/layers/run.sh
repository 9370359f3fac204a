#!/bin/sh
# The include rules of src/README.md (tests/layers/check.sh) on src/, and
# the checker itself on small trees with one known fault each, so a
# checker that stopped seeing faults fails here too.  PASS/FAIL lines as
# tests/run.sh counts them.
here=$(dirname "$0")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# A tree: "file: include include ..." lines, one per file.
tree() {
    rm -rf "$tmp/src" && mkdir -p "$tmp/src"
    while IFS=: read -r f incs; do
        mkdir -p "$tmp/src/$(dirname "$f")"
        : > "$tmp/src/$f"
        for i in $incs; do printf '#include "%s"\n' "$i" >> "$tmp/src/$f"; done
    done
}

# expect NAME WANT(0|1) NEEDLE: runs the checker on $tmp/src; WANT 1 means
# it must fail with a line containing NEEDLE.
expect() {
    out=$(sh "$here/check.sh" "$tmp/src" 2>&1); rc=$?
    if [ "$2" = 0 ] && [ "$rc" = 0 ]; then echo "PASS $1"
    elif [ "$2" = 1 ] && [ "$rc" != 0 ] && printf '%s\n' "$out" | grep -qF "$3"; then echo "PASS $1"
    else echo "FAIL $1: exit $rc, wanted $2 with '$3':"; printf '%s\n' "$out" | sed 's/^/    /'
    fi
}

out=$(sh "$here/check.sh" src 2>&1)
if [ $? = 0 ]; then echo "PASS layers_src"; else echo "FAIL layers_src:"; printf '%s\n' "$out" | sed 's/^/    /'; fi

tree <<'T'
util/buf.h:
util/buf.c:util/buf.h
slicer/call.h:util/buf.h
slicer/call.c:slicer/call.h slicer/call_int.h
slicer/call_int.h:slicer/call.h
mcp/mcp.c:slicer/call.h
T
expect layers_clean_tree 0 ""

tree <<'T'
util/buf.c:mcp/mcp.h
mcp/mcp.h:
T
expect layers_upward 1 "util/buf.c: includes mcp/mcp.h, from layer mcp above util"

tree <<'T'
slicer/call.c:buf.h
T
expect layers_no_folder 1 'does not name a layer folder'

tree <<'T'
slicer/call.h:
slicer/call.c:slicer/call.h slicer/adapters.h
slicer/adapters.h:slicer/call.h
slicer/adapters.c:slicer/adapters.h
T
expect layers_circle_two 1 "include circle: slicer/call -> slicer/adapters -> slicer/call"

tree <<'T'
catalog/a.c:catalog/b.h
catalog/b.c:catalog/c.h
catalog/c.h:catalog/a_internal.h
T
expect layers_circle_three 1 "include circle: catalog/a -> catalog/b -> catalog/c -> catalog/a"
