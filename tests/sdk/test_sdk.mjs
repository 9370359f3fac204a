// End-to-end with the official TypeScript SDK client (version pinned in
// package-lock.json): over stdio and over Streamable HTTP, connect, list
// tools, call get_volume_info and get_slice_png against slicer-sim, and
// decode the PNG (signature, IHDR with its CRC, inflated IDAT size).
//
//   node tests/sdk/test_sdk.mjs [BUILD]     (from the repository root)
//
// Prints "PASS name" / "FAIL name: why" per test, then "N passed, N failed";
// exits non-zero when any failed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync, crc32 as zcrc32 } from 'node:zlib';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { report, startSim, tally, waitForFile } from '../lib/harness.mjs';

const BUILD = process.argv[2] || 'build';
const TMP = mkdtempSync(join(tmpdir(), 'slicer-mcp-sdk-'));
const children = [];

function gatewayArgs(simUrl) {
  return ['--slicer-url', simUrl, '--tools-dir', 'tools.d', '--audit-log', 'off', '--watch', 'false'];
}

// CRC-32 of a PNG chunk (type + data); zlib.crc32 exists from Node 20.15/22.2.
function crc32(buf) {
  if (zcrc32) return zcrc32(buf) >>> 0;
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// Decodes enough of a PNG to trust it: signature, IHDR (CRC checked),
// every chunk's CRC, and IDAT inflating to exactly the size the header
// implies.  Returns {width, height} or throws.
function checkPng(bytes) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(sig)) throw new Error('no PNG signature');
  let off = 8, ihdr = null;
  const idat = [];
  for (;;) {
    if (off + 12 > bytes.length) throw new Error('truncated chunk');
    const len = bytes.readUInt32BE(off), type = bytes.toString('latin1', off + 4, off + 8);
    const body = bytes.subarray(off + 4, off + 8 + len);
    if (crc32(body) !== bytes.readUInt32BE(off + 8 + len)) throw new Error(`bad CRC in ${type}`);
    const data = bytes.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
    if (type === 'IEND') break;
  }
  if (!ihdr) throw new Error('no IHDR');
  const width = ihdr.readUInt32BE(0), height = ihdr.readUInt32BE(4);
  const depth = ihdr[8], colour = ihdr[9], interlace = ihdr[12];
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colour];
  if (!width || !height || !channels || interlace !== 0) throw new Error('unexpected IHDR');
  const raw = inflateSync(Buffer.concat(idat));
  const want = height * (1 + Math.ceil((width * channels * depth) / 8));
  if (raw.length !== want) throw new Error(`IDAT inflates to ${raw.length} bytes, expected ${want}`);
  return { width, height };
}

async function exercise(label, client, extra) {
  const p = [];
  const info = client.getServerVersion();
  if (info?.name !== 'slicer-mcp') p.push(`serverInfo.name ${info?.name}`);
  if (!client.getServerCapabilities()?.tools) p.push('no tools capability');
  extra?.(p);
  report(`sdk_${label}_connect`, p);

  const q = [];
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const n of ['get_volume_info', 'get_slice_png', 'get_slicer_info']) if (!names.includes(n)) q.push(`missing ${n}`);
  if (names.includes('execute_python_code')) q.push('exec tool listed without the policy');
  report(`sdk_${label}_list_tools`, q);

  const r = [];
  const vi = await client.callTool({ name: 'get_volume_info', arguments: { node_id: 'vtkMRMLScalarVolumeNode1' } });
  if (vi.isError) r.push(`isError: ${vi.content?.[0]?.text}`);
  const sc = vi.structuredContent;
  if (JSON.stringify(sc?.dimensions) !== '[256,256,130]') r.push(`dimensions ${JSON.stringify(sc?.dimensions)}`);
  if (sc?.name !== 'MRHead') r.push(`name ${sc?.name}`);
  if (vi.content?.[0]?.type !== 'text' || JSON.parse(vi.content[0].text).id !== 'vtkMRMLScalarVolumeNode1') r.push('text block');
  report(`sdk_${label}_get_volume_info`, r);

  const s = [];
  const sl = await client.callTool({ name: 'get_slice_png', arguments: { view: 'red' } });
  if (sl.isError) s.push(`isError: ${sl.content?.[0]?.text}`);
  const img = sl.content?.find((c) => c.type === 'image');
  if (!img) s.push('no image content');
  else {
    if (img.mimeType !== 'image/png') s.push(`mimeType ${img.mimeType}`);
    try {
      const { width, height } = checkPng(Buffer.from(img.data, 'base64'));
      if (width < 16 || height < 16) s.push(`tiny image ${width}x${height}`);
    } catch (e) { s.push(`PNG: ${e.message}`); }
  }
  const bad = await client.callTool({ name: 'get_slice_png', arguments: { view: 'purple' } });
  if (!bad.isError) s.push('invalid view accepted');
  report(`sdk_${label}_get_slice_png`, s);
}

async function run(label, fn) {
  try { await fn(); }
  catch (e) { report(`sdk_${label}`, [e.stack || String(e)]); }
}

const sim = await startSim(BUILD, TMP, children);

await run('stdio', async () => {
  const transport = new StdioClientTransport({
    command: join(BUILD, 'slicer-mcp'), args: gatewayArgs(sim), stderr: 'ignore',
  });
  const client = new Client({ name: 'sdk-e2e', version: '1.0.0' });
  await client.connect(transport);
  await exercise('stdio', client);
  await client.close();
});

await run('http', async () => {
  const portFile = join(TMP, 'gw.port');
  const gw = spawn(join(BUILD, 'slicer-mcp'),
                   ['--http', '127.0.0.1:0', '--http-port-file', portFile, ...gatewayArgs(sim)],
                   { stdio: ['ignore', 'ignore', 'ignore'] });
  children.push(gw);
  const port = await waitForFile(portFile, 10000);
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
  const client = new Client({ name: 'sdk-e2e', version: '1.0.0' });
  await client.connect(transport);
  await exercise('http', client, (p) => {
    if (!/^[0-9a-f]{32}$/.test(transport.sessionId || '')) p.push(`session id ${transport.sessionId}`);
  });
  const t = [];
  await transport.terminateSession();          // DELETE /mcp
  if (transport.sessionId) t.push('session id kept after DELETE');
  await client.close();
  const code = await new Promise((resolve) => { gw.on('exit', (c) => resolve(c)); gw.kill('SIGTERM'); });
  if (code !== 0) t.push(`gateway exit status ${code} after SIGTERM`);
  report('sdk_http_terminate_and_stop', t);
});

for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
rmSync(TMP, { recursive: true, force: true });
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed === 0 && tally.passed > 0 ? 0 : 1);
