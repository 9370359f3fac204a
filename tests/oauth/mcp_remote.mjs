// mcp-remote (the npm package, version pinned in package-lock.json) as a
// child process spoken to over stdio, the way a desktop MCP client uses
// it: newline-delimited JSON-RPC in, answers out.  Its browser is
// fake_browser.mjs, reached through $BROWSER; its home and token store
// are a temporary folder, so nothing outside it is read or written.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const PROXY = join(HERE, 'node_modules', 'mcp-remote', 'dist', 'proxy.js');

// Starts mcp-remote for url with its OAuth callback on callbackPort;
// extraArgs follow.  The child joins children (the caller kills them).
// Returns { request(method, params, ms), notify(method, params), close(),
// stderr(), browserLog }.
export function startMcpRemote({ url, callbackPort, tmp, children, extraArgs = [] }) {
  const home = join(tmp, 'mcp-remote-home');
  mkdirSync(home, { recursive: true });
  const browserLog = join(tmp, 'browser.log');
  const browser = join(tmp, 'browser.sh');
  // xdg-open runs $BROWSER "URL" with the word splitting of sh: a script
  // with the paths quoted inside.
  writeFileSync(browser, `#!/bin/sh\nexec '${process.execPath}' '${join(HERE, 'fake_browser.mjs')}' "$1"\n`);
  chmodSync(browser, 0o700);
  // No DISPLAY and no desktop variables: xdg-open falls back to $BROWSER.
  const env = { PATH: process.env.PATH, HOME: home, MCP_REMOTE_CONFIG_DIR: join(home, '.mcp-auth'),
                BROWSER: browser, FAKE_BROWSER_LOG: browserLog };
  const child = spawn(process.execPath,
                      [PROXY, url, String(callbackPort), '--host', '127.0.0.1', '--transport', 'http-only',
                       '--auth-timeout', '30', ...extraArgs],
                      { env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d) => { err += d; if (err.length > 200000) err = err.slice(-100000); });
  const waiting = new Map();
  let buffered = '';
  child.stdout.on('data', (d) => {
    buffered += d;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!line) continue;
      let msg;
      try { msg = JSON.parse(line); } catch { continue; }
      const w = msg.id !== undefined && waiting.get(msg.id);
      if (w) { waiting.delete(msg.id); w(msg); }
    }
  });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve(`exited (${code ?? sig})`)));
  let nextId = 1;
  const send = (msg) => child.stdin.write(`${JSON.stringify(msg)}\n`);
  return {
    browserLog,
    stderr: () => err,
    notify: (method, params) => send({ jsonrpc: '2.0', method, ...(params ? { params } : {}) }),
    // The answer to one request, or an error after ms or when the child ends.
    request(method, params, ms) {
      const id = nextId++;
      let timer;
      const answer = new Promise((resolve) => waiting.set(id, resolve));
      const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${method}: no answer within ${ms} ms`)), ms); });
      const gone = exited.then((how) => { throw new Error(`${method}: mcp-remote ${how}`); });
      gone.catch(() => {});   // settled after the answer, it is nobody's error
      send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
      return Promise.race([answer, late, gone]).finally(() => { clearTimeout(timer); waiting.delete(id); });
    },
    // Closing stdin is how a client ends it; SIGKILL if it lingers.
    async close(ms = 5000) {
      child.stdin.end();
      let timer;
      await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, ms); })]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
