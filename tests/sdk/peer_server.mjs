// A peer-style Slicer MCP server for `make bench` to compare slicer-mcp
// with: built the way other Slicer MCP servers are (the official
// TypeScript SDK's McpServer over stdio, zod input schemas, one fetch per
// Slicer request, Slicer's answer handed on as it came).  It offers four
// of slicer-mcp's tools, with the same names and REST calls, and nothing
// else: no guard, no audit log, no redaction, no output schemas, no image
// re-encoding.  Not a test and not shipped.
//
//   node tests/sdk/peer_server.mjs SLICER_URL
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const SLICER = process.argv[2] || 'http://127.0.0.1:2016';

async function get(path) {
  const r = await fetch(SLICER + path, { signal: AbortSignal.timeout(10000) });
  if (!r.ok) throw new Error(`slicer: GET ${path}: HTTP ${r.status}`);
  return r;
}

const text = (v) => ({ content: [{ type: 'text', text: JSON.stringify(v) }] });
const server = new McpServer({ name: 'peer-slicer', version: '1.0.0' });

server.registerTool('get_slicer_info', { description: 'Slicer version', inputSchema: {} },
  async () => text(await (await get('/slicer/system/version')).json()));

server.registerTool('list_nodes', { description: 'ids and names of the nodes', inputSchema: {} },
  async () => {
    const ids = await (await get('/slicer/mrml/ids')).json();
    const names = await (await get('/slicer/mrml/names')).json();
    return text(ids.map((id, i) => ({ id, name: names[i] })));
  });

server.registerTool('get_volume_info', {
  description: 'properties of a volume node',
  inputSchema: { node_id: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/) },
}, async ({ node_id }) =>
  text(await (await get('/slicer/mrml/properties?id=' + encodeURIComponent(node_id))).json()));

server.registerTool('get_slice_png', {
  description: 'a slice view as PNG',
  inputSchema: { view: z.enum(['red', 'yellow', 'green']) },
}, async ({ view }) => {
  const png = Buffer.from(await (await get('/slicer/slice?view=' + view)).arrayBuffer());
  return { content: [{ type: 'image', data: png.toString('base64'), mimeType: 'image/png' }] };
});

await server.connect(new StdioServerTransport());
