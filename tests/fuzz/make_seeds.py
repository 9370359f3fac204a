#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<harness>/ (run from the
repository root; idempotent).  Seeds are small valid and near-valid inputs;
crash reproducers found later are added beside them by hand as crash-*."""
import glob, hashlib, os, struct, zlib

root = "tests/fuzz/corpus"

def put(h, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(root, h)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def png(w, h, ctype, depth=8, rows=None, level=0):
    ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    if rows is None:
        rows = [bytes((x * 17 + y * 5 + c) & 255 for x in range(w) for c in range(ch)) for y in range(h)]
    raw = b"".join(b"\0" + r for r in rows)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0))
    if ctype == 3:
        out += chunk(b"PLTE", bytes(range(48)))
    out += chunk(b"IDAT", zlib.compress(raw, level)) + chunk(b"IEND", b"")
    return out

# --- jsonrpc: byte 0 picks the session (odd: initialized 2025-03-26) ---
msgs = [
    '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}',
    '{"jsonrpc":"2.0","id":"a","method":"tools/list","params":{"cursor":"3"}}',
    '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_slice_png","arguments":{"view":"red","max_size":64}}}',
    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"place_markups","arguments":{"type":"line","points":[{"r":1,"a":2,"s":3}]}}}',
    '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_slice_png","arguments":{"view":"teal"}}}',
    '{"jsonrpc":"2.0","id":5,"method":"logging/setLevel","params":{"level":"debug"}}',
    '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}',
    '[{"jsonrpc":"2.0","id":6,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"},{"jsonrpc":"2.0","id":7,"method":"nope"}]',
    '{"jsonrpc":"2.0","id":8,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}',
    '{"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/logLevel":"info"}}}',
    '{"jsonrpc":"2.0","id":1e400,"method":"ping"}',
    '{"jsonrpc":"2.0","id":-0,"method":"ping"}',
    '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}',
    '{"jsonrpc":"2.0","id":3,"result":{}}',
    '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"execute_python_code","arguments":{"code":"1"}}}',
    '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"list_nodes","arguments":{"name":"\\u00e9\\ud83d\\ude00"}}}',
    '[' * 70 + ']' * 70,
    '"\xff"',
]
for m in msgs:
    put("jsonrpc", b"\0" + m.encode("utf-8", "surrogateescape"))
    put("jsonrpc", b"\1" + m.encode("utf-8", "surrogateescape"))

# --- tools_doc: the shipped files and the test fixtures ---
for f in sorted(glob.glob("tools.d/*.yaml") + glob.glob("tests/fixtures/tools/*/*.yaml") +
                glob.glob("tests/fixtures/check/*/*.yaml")):
    with open(f, "rb") as fh:
        data = fh.read()
    if len(data) < 16384:
        put("tools_doc", data)
put("tools_doc", "name: x\ndescription: d\ninputSchema: {$ref: slice_args.json}\nrequest: {method: GET, path: /slicer/x}\nresult: {type: json}\n")
put("tools_doc", "a: &x [1]\nb: *x\n")
put("tools_doc", "name: 0x1F\n---\nname: 2\n")

# --- schema_validate: byte 0 picks the tool (sorted by name) ---
inst = ['{}', '{"view":"red"}', '{"view":"red","max_size":64,"orientation":"axial","offset_mm":-3.5}',
        '{"node_id":"vtkMRMLScalarVolumeNode1","region":{"center":[1,2,3],"radius_mm":5},"bins":16}',
        '{"type":"angle","points":[{"r":1,"a":2,"s":3,"label":"x"},{"r":1,"a":2,"s":3},{"r":1,"a":2,"s":1e400}]}',
        '{"layout":"FourUp"}', '{"class":"vtkMRMLVolumeNode","name":"MRHead"}', '{"code":"print(1)"}',
        '{"node_id":"x","region":{"ijk_min":[0,0,0],"ijk_max":[1,2,3]}}', '[]', 'null', '{"view":"\xc3\xa9"}']
for i in range(14):
    for s in inst:
        put("schema_validate", bytes([i]) + s.encode("utf-8", "surrogateescape"))

# --- schema_compile ---
for s in ['{"type":"object","properties":{"a":{"type":"integer","minimum":0}},"required":["a"],"additionalProperties":false}',
          '{"$defs":{"p":{"type":"number"}},"type":"array","items":{"$ref":"#/$defs/p"},"minItems":1,"maxItems":3}',
          '{"anyOf":[{"type":"string","pattern":"^\\\\d+$"},{"type":"null"}]}',
          '{"oneOf":[{"const":1},{"enum":[1,2,"x"]}]}',
          '{"allOf":[{"$ref":"#"}]}',
          '{"$ref":"#/properties/a","properties":{"a":{"$ref":"#/properties/a"}}}',
          '{"type":["string","null"],"minLength":2,"maxLength":5,"pattern":"[\\\\w\\\\s]+\\\\."}',
          '{"properties":{"x":{"items":{"items":{"items":{"type":"object","additionalProperties":{"type":"boolean"}}}}}}}',
          '{"exclusiveMinimum":0,"exclusiveMaximum":1,"type":"number"}',
          '{"multipleOf":2}', '{"pattern":"(?=x)"}', 'true', 'false']:
    put("schema_compile", s)
for f in sorted(glob.glob("schemas/*.json") + glob.glob("tests/fixtures/schemas/*.json")):
    with open(f, "rb") as fh:
        data = fh.read()
    if len(data) < 65536:
        put("schema_compile", data)

# --- png: byte 0 = max side - 1 ---
for args in [(1, 1, 6), (3, 2, 6), (8, 5, 2), (16, 16, 0), (7, 9, 4), (4, 4, 3)]:
    put("png", bytes([3]) + png(*args))
    put("png", bytes([200]) + png(*args, level=6))
put("png", bytes([1]) + png(4, 4, 0, depth=16, rows=[bytes(8)] * 4))
put("png", bytes([2]) + png(2, 2, 6, rows=[bytes([9, 9, 9, 255, 9, 9, 9, 0])] * 2))
put("png", bytes([5]) + png(6, 6, 6)[:60])

# --- nrrd: bytes 0-1 = piece size ---
def nrrd(typ, sizes, data, extra=""):
    h = "NRRD0004\n# c\ntype: %s\ndimension: 3\nsizes: %s\nencoding: raw\nendian: little\n%s\n" % (
        typ, " ".join(map(str, sizes)), extra)
    return h.encode() + data
geo = "space: left-posterior-superior\nspace directions: (1,0,0) (0,1,0) (0,0,1.3)\nspace origin: (-10,5,2.5)\n"
for piece in (b"\x00\x00", b"\x06\x00", b"\xff\x0f"):
    put("nrrd", piece + nrrd("short", (2, 2, 2), struct.pack("<8h", *range(-4, 4)), geo))
    put("nrrd", piece + nrrd("double", (1, 2, 1), struct.pack("<2d", 1.5, -2.0)))
    put("nrrd", piece + nrrd("int16", (3, 1, 1), struct.pack("<3h", 1, 2, 3), "space: RAS\r\n"))
put("nrrd", b"\x03\x00" + nrrd("short", (2, 2, 2), b"\x01\x02\x03"))
put("nrrd", b"\x03\x00" + nrrd("short", (2, 2, 2), b"", "data file: x.raw\n"))

# --- slicer_response: byte 0 picks the call (see fuzz_slicer_response.c) ---
def http(status, ctype, body, reason=None, extra=""):
    if isinstance(body, str):
        body = body.encode()
    reason = reason or {200: "OK", 500: "Internal Server Error", 404: "Not Found"}.get(status, "X")
    head = "HTTP/1.1 %d %s\r\n" % (status, reason)
    if ctype:
        head += "Content-Type: %s\r\n" % ctype
    head += "Content-Length: %d\r\nCache-Control: no-cache\r\n%s\r\n" % (len(body), extra)
    return head.encode() + body
err500 = http(500, "application/json", '{"success": false, "message": "Server error: No nodes matched the filter criteria"}')
props = '{"vtkMRMLScalarVolumeNode1": {"name": "MRHead", "className": "vtkMRMLScalarVolumeNode", "imageData": {"dimensions": [4, 4, 2], "spacing": [1, 1, 1.3], "origin": [0, 0, 0]}, "IJKToRASDirections": [[-1,0,0],[0,-1,0],[0,0,1]], "origin": [1,2,3], "spacing": [1,1,1.3]}}'
bodies = {
    0: [http(200, "application/json", '{"applicationName": "Slicer", "applicationVersion": "5.8.1", "os": "Linux", "arch": "amd64"}')],
    1: [http(200, "application/json", '["vtkMRMLScalarVolumeNode1", "vtkMRMLSliceNodeRed"]')],
    2: [http(200, "application/json", '{"vtkMRMLSliceNodeRed": {"name": "Red", "orientation": "Axial", "sliceOffset": 0.5, "fieldOfView": [250, 250, 1], "dimensions": [512, 512, 1]}}')],
    3: [http(200, "application/json", props)],
    4: [http(200, "application/json", props)],
    5: [http(200, "image/png", png(8, 8, 6))],
    6: [http(200, "image/png", png(5, 3, 2))],
    7: [http(200, "application/json", '{"vtkMRMLSliceNodeYellow": {"orientation": "Sagittal", "sliceOffset": 0.0001, "fieldOfView": [1, 2, 3], "dimensions": [4, 4, 1], "sliceToRAS": [0,0,1,0, 1,0,0,0, 0,1,0,0, 0,0,0,1]}}')],
    8: [http(200, "application/json", '{"vtkMRMLMarkupsFiducialNode1": {"name": "F", "className": "vtkMRMLMarkupsFiducialNode", "controlPoints": [{"position": [1, 2, 3], "label": "F-1"}]}}')],
    9: [http(200, "image/png", png(20, 10, 2, level=6))],
    10: [http(200, "image/png", png(3, 3, 6))],
    11: [http(200, "application/json", "{'status': 'success'}")],
    12: [http(200, "application/octet-stream", nrrd("short", (2, 2, 2), struct.pack("<8h", *range(8)), geo)),
         http(200, "application/json", props)],
    13: [http(200, "application/json", '{"success": true, "loadedNodeIDs": ["vtkMRMLMarkupsLineNode1"]}')],
}
for i, bl in bodies.items():
    for b in bl:
        put("slicer_response", bytes([i]) + b)
        put("slicer_response", bytes([i]) + b[: len(b) * 2 // 3])
    put("slicer_response", bytes([i]) + err500)
    put("slicer_response", bytes([i]) + b"HTTP/1.1 404 Not Found\r\n\r\n")
put("slicer_response", b"\x00" + http(200, "application/json", "\xff\xfe<html>garbage"))
put("slicer_response", b"\x05" + http(200, "image/png", "not a png"))
put("slicer_response", b"\x00HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n")
put("slicer_response", b"\x00HTTP/1.1 302 Found\r\nLocation: http://example.com/\r\nContent-Length: 0\r\n\r\n")
put("slicer_response", b"\x00HTTP/1.0 200 OK\r\n\r\n{}")
put("slicer_response", b"\x00")

# --- json: any bytes, parsed, printed by jsonw, parsed again ---
for t in ['{"applicationName": "Slicer", "majorVersion": 5, "ok": true, "x": null}',
          '["vtkMRMLScalarVolumeNode1", "vtkMRMLSliceNodeRed"]', props,
          '[1.5e-3, -0, 1e400, 12345678901234567890, 0.6666666666666666, 122.65625, 9007199254740993]',
          '[5e-324, 1.7976931348623157e308, 1e16, 12345678901234568, 0.1, 1e-5, 1e21]',
          '"\\u00e9\\uD83D\\uDE00\\u0000\\u001f\\b\\/\\"\\\\"', '\xef\xbb\xbf {"a" : [ [], {} ]} trailing',
          '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_nodes","arguments":{}}}']:
    put("json", t)

