// A stand-in for the person at the browser when mcp-remote asks for one
// (it runs the `open` package, whose xdg-open runs $BROWSER with the
// authorization URL when no desktop is detected).  It does what a browser
// does after a login that needs no page (oauth2-mock-server approves at
// once): GET the authorization URL, follow its redirect to mcp-remote's
// callback, and stop.  Loopback only: it refuses any other host.  It
// appends the URL it was given to $FAKE_BROWSER_LOG so the test can check
// what mcp-remote asked for (PKCE S256, the resource, the scopes).
//
//   node fake_browser.mjs URL
import { appendFileSync } from 'node:fs';

const STEP_MS = 10000;   // each request; the whole run is two of them
const loopback = (u) => ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && u.protocol === 'http:';

async function main() {
  const start = new URL(process.argv[2]);
  if (process.env.FAKE_BROWSER_LOG) appendFileSync(process.env.FAKE_BROWSER_LOG, `${start.href}\n`);
  if (!loopback(start)) throw new Error(`not a loopback URL: ${start.href}`);
  const r = await fetch(start, { redirect: 'manual', signal: AbortSignal.timeout(STEP_MS) });
  const location = r.headers.get('location');
  if (r.status < 300 || r.status > 399 || !location) throw new Error(`the provider answered ${r.status}, not a redirect`);
  const callback = new URL(location, start);
  if (!loopback(callback)) throw new Error(`redirect off loopback: ${callback.href}`);
  const done = await fetch(callback, { signal: AbortSignal.timeout(STEP_MS) });
  await done.text();
  if (!done.ok) throw new Error(`the callback answered ${done.status}`);
}

try {
  await main();
  process.exit(0);
} catch (e) {
  if (process.env.FAKE_BROWSER_LOG) appendFileSync(process.env.FAKE_BROWSER_LOG, `error: ${e.message}\n`);
  process.exit(1);
}
