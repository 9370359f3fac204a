#!/bin/sh
# Checks the include rules of src/README.md on a source tree (default src):
# every quoted include names a layer folder; a file includes only from its
# own layer or one listed before it (util < policy < catalog < slicer <
# mcp < transport < app); and no two modules include each other, directly
# or round a longer circle.  A module is a file name without .c/.h, so
# call.c including adapters.h while adapters.c includes call.h is a
# circle.  A private header NAME_int.h or NAME_internal.h is the shared
# state of one module split over several files (schema_int.h: schema.c
# and schema_compile.c; mcp_internal.h: mcp.c and mcp_tools.c) and counts
# as module NAME.  Prints one line per problem; exits 1 if there was any.
SRC=${1:-src}
LAYERS="util policy catalog slicer mcp transport app"

for f in "$SRC"/*/*.c "$SRC"/*/*.h; do
    [ -f "$f" ] || continue
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
        sed "s|^|${f#"$SRC"/} |"
done | awk -v layers="$LAYERS" '
function mod(p) { sub(/\.[ch]$/, "", p); sub(/_(int|internal)$/, "", p); return p }
# Depth-first search; state 1 = on the current path, 2 = done.  stack[]
# holds the path so a circle can be printed from where it closes.
function visit(m, depth,   i, n, k, cyc) {
    state[m] = 1; stack[depth] = m
    n = split(edges[m], next_, " ")
    for (i = 1; i <= n; i++) {
        k = next_[i]
        if (k == "") continue
        if (state[k] == 1) {
            cyc = ""
            for (j = depth; j >= 0 && stack[j] != k; j--) ;
            for (; j <= depth; j++) cyc = cyc stack[j] " -> "
            print "include circle: " cyc k
            bad = 1
        } else if (!state[k]) {
            visit(k, depth + 1)
            n = split(edges[m], next_, " ")   # next_ is global: refill it
        }
    }
    state[m] = 2
}
BEGIN { n = split(layers, L, " "); for (i = 1; i <= n; i++) rank[L[i]] = i }
{
    file = $1; inc = $2
    split(file, fp, "/"); split(inc, ip, "/")
    if (!(inc ~ /\//) || !(ip[1] in rank)) {
        print file ": #include \"" inc "\" does not name a layer folder"
        bad = 1; next
    }
    if (rank[ip[1]] > rank[fp[1]]) {
        print file ": includes " inc ", from layer " ip[1] " above " fp[1]
        bad = 1
    }
    a = mod(file); b = mod(inc)
    if (a != b && !((a, b) in seen)) {
        seen[a, b] = 1; edges[a] = edges[a] " " b
        if (!(a in known)) { known[a] = 1; order[++nmods] = a }
    }
}
END {
    # In file order, so the same tree always reports the same circle.
    for (i = 1; i <= nmods; i++) if (!state[order[i]]) visit(order[i], 0)
    exit bad
}'
