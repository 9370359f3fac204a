// End-to-end: slicer-mcp --http behind a real OpenID provider
// (oauth2-mock-server, version pinned in package-lock.json, on loopback)
// with the official TypeScript SDK client:
//   - a client-credentials token for this resource (RFC 8707 "resource")
//     with the read scope: tools/list shows the read-only tools only, a
//     read tool runs, a write tool is refused;
//   - the SDK's own OAuth flow: a 401 leads it to the Protected Resource
//     Metadata, the provider's OpenID configuration, an authorization code
//     with PKCE (the provider redirects at once: no login page), the token,
//     then the call;
//   - a token from the same provider without this resource as audience: 401;
//   - mcp-remote over stdio, as a desktop client runs it: the same
//     discovery, dynamic client registration, the authorization code with
//     PKCE through a stand-in browser (fake_browser.mjs), the token, then
//     tools/list and a tools/call checked against slicer-sim's own answer;
//   - the official conformance suite's server scenarios (the versions
//     tests/conformance pins) against the gateway in OAuth mode, through a
//     loopback proxy that adds a valid token (the suite cannot send one);
//   - token introspection (RFC 7662) instead of JWT validation.
//
//   node tests/oauth/test_oauth.mjs [BUILD]     (from the repository root)
//
// The provider does no RFC 8707 of its own: a hook gives each token the
// audience and scope its request asked for, as a real provider would.
// Nor does it do dynamic client registration (RFC 7591): a route added
// here registers public clients, and its OpenID configuration names it.
// Its own /introspect answers "active" to anything without reading the
// request, so it is moved aside and a route here does RFC 7662 for the
// access tokens the provider issued: the gateway's client credentials
// (client_secret_basic) are checked, and the answer carries the token's
// claims, or "active": false.
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuth2Server, Events } from 'oauth2-mock-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { report, startSim, tally, waitForFile } from '../lib/harness.mjs';
import { startMcpRemote } from './mcp_remote.mjs';

// What tools.d itself says, from its files, not from the gateway: tools
// without a policy, and of those the ones annotated readOnlyHint: true.
const shipped = readdirSync('tools.d').filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join('tools.d', f), 'utf8'))
  .filter((t) => !/^policy:/m.test(t));
const SHIPPED_ALL = shipped.length;
const SHIPPED_READ = shipped.filter((t) => /readOnlyHint: true/.test(t)).length;

const BUILD = process.argv[2] || 'build';
const TMP = mkdtempSync(join(tmpdir(), 'slicer-mcp-oauth-'));
const AUDIT = join(TMP, 'audit.jsonl');
const children = [];

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// The provider: the audience and scope a token request asked for (RFC
// 8707 "resource"; for a code, what the authorization request asked).
const INTROSPECTION_CLIENT = { id: 'slicer-gateway', secret: 'introspection s3cret:1' };

async function startProvider() {
  const server = new OAuth2Server(undefined, undefined, { endpoints: { introspect: '/introspect-unchecked' } });
  await server.issuer.keys.generate('RS256');
  const byCode = new Map();
  server.service.on(Events.BeforeAuthorizeRedirect, (redirect, req) => {
    const q = new URL(req.url, 'http://x').searchParams;
    byCode.set(redirect.url.searchParams.get('code'), { scope: q.get('scope'), resource: q.get('resource') });
  });
  server.service.on(Events.BeforeTokenSigning, (token, req) => {
    const asked = byCode.get(req.body.code) || { scope: req.body.scope, resource: req.body.resource };
    if (asked.resource) token.payload.aud = asked.resource;
    if (asked.scope) token.payload.scope = asked.scope;
    token.payload.client_id = req.body.client_id || 'cc-client';
    if (!token.payload.sub) token.payload.sub = 'service-account';
  });
  server.issued = new Map();         // access token -> its claims
  server.introspections = [];        // { token, basic } per request to /introspect
  server.service.on(Events.BeforeResponse, (resp) => {
    const t = resp.body && resp.body.access_token;
    if (t) server.issued.set(t, JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()));
  });
  server.service.addRoute('POST', '/introspect', (req, res) => {
    const basic = Buffer.from((req.headers.authorization || '').replace(/^Basic /, ''), 'base64').toString();
    const [id, secret] = basic.split(':').map(decodeURIComponent);
    const token = (req.body || {}).token;
    server.introspections.push({ token, basic });
    const known = id === INTROSPECTION_CLIENT.id && secret === INTROSPECTION_CLIENT.secret;
    const claims = server.issued.get(token);
    res.writeHead(known ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(!known ? { error: 'invalid_client' } : claims ? { active: true, ...claims } : { active: false }));
  });
  server.registered = [];
  server.service.addRoute('POST', '/register', (req, res) => {
    const meta = req.body || {};
    const ok = Array.isArray(meta.redirect_uris) && meta.redirect_uris.length > 0;
    const client = ok ? { ...meta, client_id: `dcr-${server.registered.length + 1}`,
                          client_id_issued_at: Math.floor(Date.now() / 1000), token_endpoint_auth_method: 'none' }
                      : { error: 'invalid_redirect_uri' };
    if (ok) server.registered.push(client);
    res.writeHead(ok ? 201 : 400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(client));
  });
  server.service.on(Events.BeforeWellKnownOpenIdConfiguration, (doc) => {
    doc.body.registration_endpoint = `${server.issuer.url}/register`;
  });
  await server.start(0, '127.0.0.1');
  return server;
}

async function clientCredentials(issuer, fields) {
  const r = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'cc-client', ...fields }),
  });
  const j = await r.json();
  if (!j.access_token) throw new Error(`no token: ${JSON.stringify(j)}`);
  return j.access_token;
}

async function connectWith(url, opts) {
  const client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), opts);
  await client.connect(transport);
  return { client, transport };
}

// mcp-remote given only the gateway's URL: a 401 sends it to the Protected
// Resource Metadata, then the provider's configuration; it registers a
// client, opens the "browser" on the authorization URL (PKCE S256), takes
// the code at its callback, trades it for a token, and only then answers
// initialize.  A problem list, empty when all of it held.
async function mcpRemoteFlow(mcpUrl, simUrl, provider) {
  const problems = [];
  const remote = startMcpRemote({ url: mcpUrl, callbackPort: await freePort(), tmp: TMP, children });
  try {
    const init = await remote.request('initialize', {
      protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'oauth-e2e-mcp-remote', version: '1.0.0' },
    }, 60000);
    if (!init.result || !init.result.serverInfo) throw new Error(`initialize: ${JSON.stringify(init)}`);
    remote.notify('notifications/initialized');
    const opened = existsSync(remote.browserLog) ? readFileSync(remote.browserLog, 'utf8').trim().split('\n') : [];
    const auth = opened.length === 1 && opened[0].startsWith('http') ? new URL(opened[0]) : null;
    if (!auth) throw new Error(`the browser was asked for: ${JSON.stringify(opened)}`);
    if (auth.origin !== new URL(provider.issuer.url).origin || auth.pathname !== '/authorize')
      problems.push(`authorization at ${auth.origin}${auth.pathname}`);
    if (auth.searchParams.get('code_challenge_method') !== 'S256' || !auth.searchParams.get('code_challenge'))
      problems.push('no PKCE S256 challenge');
    if (auth.searchParams.get('resource') !== mcpUrl) problems.push(`resource ${auth.searchParams.get('resource')}`);
    if (provider.registered.length !== 1 || auth.searchParams.get('client_id') !== provider.registered[0].client_id)
      problems.push(`registered clients: ${JSON.stringify(provider.registered)}`);
    // It asks for what the metadata offers, so the token holds both scopes.
    const scope = (auth.searchParams.get('scope') || '').split(' ');
    const wantAll = scope.includes('slicer:read') && scope.includes('slicer:write');
    const list = await remote.request('tools/list', {}, 20000);
    const names = (list.result?.tools || []).map((t) => t.name);
    if (names.length !== (wantAll ? SHIPPED_ALL : SHIPPED_READ) || !names.includes('get_slicer_info'))
      problems.push(`scope '${scope.join(' ')}' lists ${names.length} tools`);
    // The call's answer, against what slicer-sim itself says.
    const call = await remote.request('tools/call', { name: 'get_slicer_info', arguments: {} }, 20000);
    const direct = await (await fetch(`${simUrl}/slicer/system/version`, { signal: AbortSignal.timeout(5000) })).json();
    const got = call.result?.structuredContent;
    if (!got || call.result.isError || got.applicationVersion !== direct.applicationVersion ||
        got.revision !== direct.revision || got.os !== direct.os)
      problems.push(`get_slicer_info ${JSON.stringify(call)} vs slicer-sim ${JSON.stringify(direct)}`);
  } catch (e) {
    problems.push(String(e.stack || e));
  } finally {
    await remote.close();
  }
  if (problems.length) console.error(remote.stderr().slice(-4000));
  return problems;
}

// A loopback proxy in front of target that adds "Authorization: Bearer
// token" to every request and streams the answers back (SSE too).
async function bearerProxy(target, token) {
  const t = new URL(target);
  const server = createHttpServer((req, res) => {
    const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url,
                             headers: { ...req.headers, authorization: `Bearer ${token}` }, timeout: 60000 },
                           (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
    up.on('timeout', () => up.destroy(new Error('upstream time-out')));
    up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// The server scenarios tests/conformance/run.sh runs without OAuth (minus
// dns-rebinding-protection, whose Host headers the proxy would carry
// anyway), here with every request carrying a read+write token of this
// resource; same pinned packages, same baseline.
async function conformanceWithToken(issuer, mcpUrl) {
  const problems = [];
  const dir = join('tests', 'conformance');
  const legacy = join(dir, 'node_modules', 'conformance-legacy', 'dist', 'index.js');
  const modern = join(dir, 'node_modules', 'conformance-modern', 'dist', 'index.js');
  const baseline = join(dir, 'expected-failures-2026-07-28.yml');
  const token = await clientCredentials(issuer, { scope: 'slicer:read slicer:write', resource: mcpUrl });
  const proxy = await bearerProxy(mcpUrl, token);
  const url = `http://127.0.0.1:${proxy.address().port}/mcp`;
  const runs = [
    ...['server-initialize', 'ping', 'logging-set-level', 'tools-list'].map((sc) => [sc, legacy, []]),
    ['server-session-lifecycle', modern, ['--spec-version', '2025-11-25']],
    ...['server-stateless', 'caching', 'http-header-validation', 'tools-list'].map(
      (sc) => [`${sc}-2026-07-28`, modern, ['--spec-version', '2026-07-28', '--expected-failures', baseline]]),
  ];
  try {
    for (const [name, suite, extra] of runs) {
      const scenario = name.replace(/-2026-07-28$/, '');
      const child = spawn(process.execPath, [suite, 'server', '--url', url, '--scenario', scenario, ...extra],
                          { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      let timer;
      const code = await Promise.race([
        new Promise((resolve) => child.on('exit', (c) => resolve(c))),
        new Promise((resolve) => { timer = setTimeout(() => { child.kill('SIGKILL'); resolve('timed out'); }, 180000); }),
      ]);
      clearTimeout(timer);
      if (code !== 0) {
        const failures = out.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => /FAILURE|Error/.test(l)).slice(0, 5);
        problems.push(`${name}: exit ${code} ${failures.join(' | ')}`);
      }
    }
  } finally {
    proxy.close();
    proxy.closeAllConnections();
  }
  return problems;
}

// A second gateway that asks the provider about each token (RFC 7662)
// rather than checking JWTs: tokens of this resource work, with their
// scopes, and are asked about once while cached; a token for another
// resource and a token the provider never issued are refused.
async function introspectionGateway(issuer, simUrl, provider) {
  const problems = [];
  const clientFile = join(TMP, 'introspection-client');
  writeFileSync(clientFile, `${INTROSPECTION_CLIENT.id}\n${INTROSPECTION_CLIENT.secret}\n`, { mode: 0o600 });
  const gw = await startGateway(simUrl, issuer, 'gw-introspect',
                                ['--oauth-introspection-url', `${issuer}/introspect`, '--oauth-client-file', clientFile]);
  const url = gw.url;
  try {
    const token = await clientCredentials(issuer, { scope: 'slicer:read', resource: url });
    const before = provider.introspections.length;
    const { client } = await connectWith(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    const names = (await client.listTools()).tools.map((t) => t.name);
    if (names.length !== SHIPPED_READ) problems.push(`read scope lists ${names.length} tools`);
    const info = await client.callTool({ name: 'get_slicer_info', arguments: {} });
    if (info.isError) problems.push(`get_slicer_info: ${JSON.stringify(info)}`);
    await client.close();
    const asked = provider.introspections.slice(before);
    if (asked.length !== 1 || asked[0].token !== token)
      problems.push(`the provider was asked ${asked.length} times for one token over several requests`);
    if (asked[0] && asked[0].basic !== 'slicer-gateway:introspection%20s3cret%3A1')
      problems.push(`client credentials sent: '${asked[0].basic}'`);
    const refusedWith = async (bearer) => {
      const r = await fetch(url, {
        method: 'POST', signal: AbortSignal.timeout(10000),
        headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json',
                   Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28',
                   'Mcp-Method': 'tools/list' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } }),
      });
      return `${r.status} ${r.headers.get('www-authenticate') || ''}`;
    };
    const other = await clientCredentials(issuer, { scope: 'slicer:read', resource: 'https://other.example.test/mcp' });
    for (const [what, bearer] of [['another resource', other], ['never issued', 'opaque-made-up-token']]) {
      const got = await refusedWith(bearer);
      if (!got.startsWith('401 ') || !got.includes('invalid_token')) problems.push(`${what}: ${got}`);
    }
    const log = existsSync(AUDIT) ? readFileSync(AUDIT, 'utf8') : '';
    if (!/"sub":"service-account","client_id":"cc-client"[^\n]*"tool":"get_slicer_info"[^\n]*"outcome":"ok"/.test(log) ||
        !log.includes('access token inactive'))
      problems.push('the introspected caller or the inactive token is not in the audit log');
  } catch (e) {
    problems.push(String(e.stack || e));
  }
  gw.child.kill('SIGTERM');
  if (problems.length) console.error(gw.stderr().slice(-3000));
  return problems;
}

// slicer-mcp --http on a free loopback port, protected by issuer, with
// extra options; { child, url, stderr() } once it listens.
async function startGateway(simUrl, issuer, name, extra) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const portFile = join(TMP, `${name}.port`);
  const child = spawn(join(BUILD, 'slicer-mcp'),
                      ['--http', `127.0.0.1:${port}`, '--http-port-file', portFile, '--slicer-url', simUrl,
                       '--tools-dir', 'tools.d', '--watch', 'false', '--audit-log', AUDIT,
                       '--oauth-issuer', issuer, '--oauth-audience', url, ...extra],
                      { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  await waitForFile(portFile, 10000);
  return { child, url, stderr: () => err };
}

async function main() {
  const simUrl = await startSim(BUILD, TMP, children);
  const provider = await startProvider();
  const issuer = provider.issuer.url;
  const gw = await startGateway(simUrl, issuer, 'gw', []);
  const mcpUrl = gw.url;
  const port = new URL(mcpUrl).port;

  // 1. Client credentials, read scope only.
  {
    const problems = [];
    try {
      const token = await clientCredentials(issuer, { scope: 'slicer:read', resource: mcpUrl });
      const { client } = await connectWith(mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
      const names = (await client.listTools()).tools.map((t) => t.name);
      if (names.length !== SHIPPED_READ || names.includes('set_layout') || !names.includes('get_volume_info'))
        problems.push(`read scope lists ${names.join(',')}`);
      const info = await client.callTool({ name: 'get_slicer_info', arguments: {} });
      if (info.isError) problems.push(`get_slicer_info failed: ${JSON.stringify(info)}`);
      let refused = '';
      try {
        const r = await client.callTool({ name: 'set_layout', arguments: { layout: 'FourUp' } });
        refused = r.isError ? 'tool error' : '';
      } catch (e) { refused = String(e); }
      if (!refused) problems.push('set_layout ran with the read scope');
      await client.close();
    } catch (e) { problems.push(String(e.stack || e)); }
    report('oauth_client_credentials_read_scope', problems);
  }

  // 2. The SDK's authorization-code flow with PKCE.
  {
    const problems = [];
    const provider_ = {
      saved: {},
      get redirectUrl() { return 'http://127.0.0.1:9/callback'; },
      get clientMetadata() {
        return { client_name: 'oauth-e2e', redirect_uris: ['http://127.0.0.1:9/callback'],
                 grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' };
      },
      clientInformation() { return { client_id: 'preregistered-viewer' }; },
      tokens() { return this.saved.tokens; },
      saveTokens(t) { this.saved.tokens = t; },
      redirectToAuthorization(u) { this.saved.authUrl = u; },
      saveCodeVerifier(v) { this.saved.verifier = v; },
      codeVerifier() { return this.saved.verifier; },
    };
    try {
      const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider_ });
      const client = new Client({ name: 'oauth-e2e-flow', version: '1.0.0' });
      let unauthorized = false;
      try { await client.connect(transport); } catch (e) { unauthorized = e instanceof UnauthorizedError; if (!unauthorized) throw e; }
      if (!unauthorized || !provider_.saved.authUrl) throw new Error('the 401 did not start the authorization');
      const authUrl = provider_.saved.authUrl;
      if (authUrl.searchParams.get('code_challenge_method') !== 'S256') problems.push('no PKCE S256');
      if (authUrl.searchParams.get('resource') !== mcpUrl) problems.push(`resource ${authUrl.searchParams.get('resource')}`);
      const scope = authUrl.searchParams.get('scope') || '';
      if (!scope.includes('slicer:read') || !scope.includes('slicer:write')) problems.push(`scope asked: '${scope}'`);
      // The provider logs the user in at once and redirects with a code.
      const r = await fetch(authUrl, { redirect: 'manual' });
      const code = new URL(r.headers.get('location')).searchParams.get('code');
      await transport.finishAuth(code);
      const { client: c2 } = await connectWith(mcpUrl, { authProvider: provider_ });
      const names = (await c2.listTools()).tools.map((t) => t.name);
      if (names.length !== SHIPPED_ALL) problems.push(`read+write lists ${names.length} tools`);
      const res = await c2.callTool({ name: 'set_layout', arguments: { layout: 'FourUp' } });
      if (res.isError) problems.push(`set_layout: ${JSON.stringify(res)}`);
      await c2.close();
    } catch (e) { problems.push(String(e.stack || e)); }
    report('oauth_sdk_authorization_code_pkce', problems);
  }

  // 3. The provider's token for another audience.
  {
    const problems = [];
    const token = await clientCredentials(issuer, { scope: 'slicer:read', resource: 'https://other.example.test/mcp' });
    const r = await fetch(mcpUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json',
                 Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
                             params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    const chal = r.headers.get('www-authenticate') || '';
    if (r.status !== 401 || !chal.includes('invalid_token') ||
        !chal.includes(`resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp"`))
      problems.push(`${r.status} ${chal}`);
    report('oauth_other_audience_401', problems);
  }

  // 4. mcp-remote, started with nothing but the gateway's URL.
  report('oauth_mcp_remote_full_flow', await mcpRemoteFlow(mcpUrl, simUrl, provider));

  // 5. The conformance suite's server scenarios, in OAuth mode.
  report('oauth_conformance_scenarios', await conformanceWithToken(issuer, mcpUrl));

  // 6. Token introspection (RFC 7662) instead of JWT validation.
  report('oauth_introspection', await introspectionGateway(issuer, simUrl, provider));

  // 7. Who did what: the audit lines name the provider's subjects and clients.
  {
    const problems = [];
    const log = existsSync(AUDIT) ? readFileSync(AUDIT, 'utf8') : '';
    if (!log.includes('"sub":"service-account","client_id":"cc-client"')) problems.push('client-credentials caller not audited');
    if (!log.includes('"sub":"johndoe","client_id":"preregistered-viewer"')) problems.push('code-flow caller not audited');
    if (!/"tool":"set_layout"[^\n]*"outcome":"refused"[^\n]*insufficient_scope/.test(log)) problems.push('scope refusal not audited');
    if (!/"sub":"johndoe","client_id":"dcr-1"[^\n]*"tool":"get_slicer_info"[^\n]*"outcome":"ok"/.test(log))
      problems.push('the mcp-remote call is not audited under its registered client');
    report('oauth_audit_names_callers', problems);
  }

  gw.child.kill('SIGTERM');
  await provider.stop();
  if (tally.failed) console.error(gw.stderr().slice(-3000));
}

// Whatever hangs (a provider, the gateway, mcp-remote waiting for a
// browser), the suite ends: every child is killed and the run fails.
const WATCHDOG_MS = 240000 * (Number(process.env.SLICER_MCP_TIME_SCALE) || 1);
setTimeout(() => {
  report('oauth_watchdog', [`the suite did not finish within ${WATCHDOG_MS} ms`]);
  for (const c of children) c.kill('SIGKILL');
  rmSync(TMP, { recursive: true, force: true });
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(1);
}, WATCHDOG_MS).unref();

try {
  await main();
} catch (e) {
  report('oauth_setup', [String(e.stack || e)]);
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(TMP, { recursive: true, force: true });
}
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed === 0 && tally.passed > 0 ? 0 : 1);
