# Gateway memory around a big get_markups (issue 16 item 6): places
# `lists` point lists of `points` points through slicer-mcp over stdio
# against slicer-sim, then reads one get_markups page of `limit`, and
# prints the gateway's VmRSS and VmHWM (MB, /proc/PID/status) before and
# after, and the latency of the next small call.  Linux only.
# usage: python3 tests/bench/markups_memory.py BUILD_DIR TOOLS_DIR [lists] [points] [limit]
#   e.g. python3 tests/bench/markups_memory.py build tools.d 300 1000 50
import json, subprocess, sys, time
build, tools = sys.argv[1], sys.argv[2]
nl = int(sys.argv[3]) if len(sys.argv) > 3 else 300
npts = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
limit = int(sys.argv[5]) if len(sys.argv) > 5 else 200
sim = subprocess.Popen([build + "/slicer-sim", "--port", "0", "--volume-size", "32"], stdout=subprocess.PIPE, text=True)
port = sim.stdout.readline().strip()
gw = subprocess.Popen([build + "/slicer-mcp", "--slicer-url", "http://127.0.0.1:" + port, "--tools-dir", tools,
                       "--audit-log", "off", "--log-level", "error"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
rid = 0
def call(method, params):
    global rid
    rid += 1
    gw.stdin.write(json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params}) + "\n")
    gw.stdin.flush()
    while True:
        line = gw.stdout.readline()
        m = json.loads(line)
        if m.get("id") == rid:
            return m
def mem():
    d = {}
    for l in open("/proc/%d/status" % gw.pid):
        k = l.split(":")[0]
        if k in ("VmRSS", "VmHWM"):
            d[k] = int(l.split()[1]) / 1024.0
    return d
call("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "m", "version": "1"}})
gw.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
print("start      ", mem())
pts = [{"r": i * 0.5, "a": -i * 0.25, "s": i % 17, "label": "pt%d" % i} for i in range(npts)]
for i in range(nl):
    r = call("tools/call", {"name": "place_markups", "arguments": {"type": "point_list", "name": "L%d" % i, "points": pts}})
    assert not r["result"].get("isError"), r
print("placed     ", mem())
t0 = time.time()
r = call("tools/call", {"name": "get_markups", "arguments": {"limit": limit}})
t1 = time.time()
res = r["result"]
print("get_markups", mem(), "isError", res.get("isError"), "reply bytes", len(json.dumps(r)))
t2 = time.time()
r = call("tools/call", {"name": "get_slicer_info", "arguments": {}})
t3 = time.time()
print("after small", mem(), "get_markups %.0f ms, next small call %.1f ms" % ((t1-t0)*1e3, (t3-t2)*1e3))
gw.stdin.close(); gw.wait(); sim.terminate(); sim.wait()
