// End-to-end: slicer-mcp's GET /metrics read by parse-prometheus-text-format
// (a port of Prometheus' own text parser; version pinned in
// package-lock.json).  A short run against slicer-sim, then the page must
// parse, hold exactly the documented families with their HELP and TYPE,
// use valid metric and label names and numbers, keep histogram buckets
// cumulative, and count what this script did -- tallied here, and the
// REST calls from slicer-sim's own request log, not from the gateway.
//
//   node tests/prom/test_prom.mjs [BUILD]     (from the repository root)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { report, startSim, tally, waitForFile } from '../lib/harness.mjs';

const BUILD = process.argv[2] || 'build';
const TMP = mkdtempSync(join(tmpdir(), 'slicer-mcp-prom-'));
const TOKEN = 'prom-test-token-0123456789';
const children = [];

// The families the man page documents, and their types.
const DOCUMENTED = {
  slicer_mcp_tool_calls_total: 'COUNTER',
  slicer_mcp_refusals_total: 'COUNTER',
  slicer_mcp_slicer_request_duration_seconds: 'HISTOGRAM',
  slicer_mcp_queue_wait_seconds: 'HISTOGRAM',
  slicer_mcp_queue_length: 'GAUGE',
  slicer_mcp_sessions: 'GAUGE',
};
const OUTCOMES = ['ok', 'tool_error', 'invalid', 'refused', 'cancelled', 'internal_error'];

async function call(base, token, name, args) {
  const r = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
               Authorization: `Bearer ${token}`, 'MCP-Protocol-Version': '2026-07-28',
               'Mcp-Method': 'tools/call', 'Mcp-Name': name },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {
      name, arguments: args, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28',
                                      'io.modelcontextprotocol/clientCapabilities': {} } } }),
  });
  await r.text();
  return r.status;
}

async function main() {
  const simUrl = await startSim(BUILD, TMP, children);
  const tokenFile = join(TMP, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const portFile = join(TMP, 'gw.port');
  const gw = spawn(join(BUILD, 'slicer-mcp'),
                   ['--http', '127.0.0.1:0', '--http-port-file', portFile, '--slicer-url', simUrl,
                    '--tools-dir', 'tools.d', '--watch', 'false', '--audit-log', join(TMP, 'audit.jsonl'),
                    '--token-file', tokenFile, '--metrics', 'on'],
                   { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(gw);
  let gwErr = '';
  gw.stderr.on('data', (d) => { gwErr += d; });
  const base = `http://127.0.0.1:${parseInt(await waitForFile(portFile, 10000), 10)}`;

  // The run, tallied as it goes.
  const want = { ok: 0, invalid: 0, unknown: 0, auth: 0, queued: 0 };
  for (let i = 0; i < 3; i++) {
    if (await call(base, TOKEN, 'get_slicer_info', {}) === 200) want.ok++;
    want.queued++;
  }
  await call(base, TOKEN, 'get_volume_info', { node_id: 42 });
  want.invalid++; want.queued++;
  await call(base, TOKEN, 'no_such_tool', {});
  want.unknown++; want.queued++;
  if (await call(base, 'wrong-token', 'get_slicer_info', {}) === 401) want.auth++;

  const r = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const text = await r.text();
  const restCalls = readFileSync(join(TMP, 'sim.log'), 'utf8').split('\n').filter((l) => l.trim()).length;

  {
    const problems = [];
    if (r.status !== 200) problems.push(`status ${r.status}`);
    if (!/^text\/plain; version=0\.0\.4/.test(r.headers.get('content-type') || ''))
      problems.push(`content-type ${r.headers.get('content-type')}`);
    let fams = [];
    try { fams = parsePrometheusTextFormat(text); } catch (e) { problems.push(`does not parse: ${e}`); }
    const byName = Object.fromEntries(fams.map((f) => [f.name, f]));
    const names = Object.keys(byName).sort();
    if (names.join() !== Object.keys(DOCUMENTED).sort().join()) problems.push(`families ${names.join()}`);
    for (const f of fams) {
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(f.name)) problems.push(`metric name ${f.name}`);
      if (DOCUMENTED[f.name] !== f.type) problems.push(`${f.name}: type ${f.type}`);
      if (!f.help) problems.push(`${f.name}: no HELP`);
      for (const m of f.metrics) {
        for (const k of Object.keys(m.labels || {}))
          if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) problems.push(`${f.name}: label name ${k}`);
        const nums = f.type === 'HISTOGRAM' ? [m.count, m.sum, ...Object.values(m.buckets)] : [m.value];
        for (const v of nums) if (!Number.isFinite(Number(v))) problems.push(`${f.name}: value ${v}`);
        if (f.type === 'HISTOGRAM') {
          // An object keyed by le: JavaScript lists integer-like keys first.
          const les = Object.keys(m.buckets).sort((a, b) => Number(a) - Number(b));
          const counts = les.map((le) => Number(m.buckets[le]));
          if (les[les.length - 1] !== '+Inf' || counts[counts.length - 1] !== Number(m.count))
            problems.push(`${f.name}: +Inf bucket ${counts[counts.length - 1]} vs count ${m.count}`);
          if (counts.some((c, i) => i && c < counts[i - 1])) problems.push(`${f.name}: buckets not cumulative`);
          const bounds = les.slice(0, -1).map(Number);
          if (bounds[0] !== 0.001 || bounds[bounds.length - 1] !== 30) problems.push(`${f.name}: bounds ${les}`);
        }
      }
    }
    report('prom_page_parses_as_documented', problems);

    const p2 = [];
    const sample = (fam, labels) => {
      const f = byName[fam];
      const m = f && f.metrics.find((x) => Object.entries(labels).every(([k, v]) => (x.labels || {})[k] === v));
      return m ? m : undefined;
    };
    const val = (fam, labels) => Number((sample(fam, labels) || {}).value);
    if (val('slicer_mcp_tool_calls_total', { tool: 'get_slicer_info', outcome: 'ok' }) !== want.ok)
      p2.push(`ok calls ${val('slicer_mcp_tool_calls_total', { tool: 'get_slicer_info', outcome: 'ok' })}, want ${want.ok}`);
    if (val('slicer_mcp_tool_calls_total', { tool: 'get_volume_info', outcome: 'invalid' }) !== want.invalid)
      p2.push('the invalid call');
    if (val('slicer_mcp_tool_calls_total', { tool: '(unknown)', outcome: 'invalid' }) !== want.unknown)
      p2.push('the unknown tool');
    if (text.includes('no_such_tool')) p2.push('the client\'s tool name became a label value');
    for (const o of OUTCOMES)
      if (sample('slicer_mcp_tool_calls_total', { tool: 'get_slicer_info', outcome: o }) === undefined)
        p2.push(`no ${o} sample for get_slicer_info`);
    if (val('slicer_mcp_refusals_total', { reason: 'auth' }) !== want.auth) p2.push('the 401');
    for (const reason of ['scope', 'guard', 'limits'])
      if (val('slicer_mcp_refusals_total', { reason }) !== 0) p2.push(`${reason} refusals`);
    const rest = sample('slicer_mcp_slicer_request_duration_seconds', {});
    if (!rest || Number(rest.count) !== restCalls) p2.push(`REST calls ${rest && rest.count}, sim log ${restCalls}`);
    const wait = sample('slicer_mcp_queue_wait_seconds', {});
    if (!wait || Number(wait.count) !== want.queued) p2.push(`queue waits ${wait && wait.count}, want ${want.queued}`);
    if (val('slicer_mcp_queue_length', {}) !== 0 || val('slicer_mcp_sessions', {}) !== 0) p2.push('gauges');
    report('prom_counts_what_the_run_did', p2);
  }
  gw.kill('SIGTERM');
  if (tally.failed) console.error(`${text}\n${gwErr.slice(-3000)}`);
}

try {
  await main();
} catch (e) {
  report('prom_setup', [String(e.stack || e)]);
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(TMP, { recursive: true, force: true });
}
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed === 0 && tally.passed > 0 ? 0 : 1);
