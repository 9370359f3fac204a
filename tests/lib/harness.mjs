// harness: what the Node.js end-to-end suites (tests/sdk, tests/oauth)
// share: PASS/FAIL lines and their tally, waiting for a file to be
// written, and slicer-sim started on a free port.
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const tally = { passed: 0, failed: 0 };

// "PASS name", or "FAIL name: problem; problem".
export function report(name, problems) {
  if (problems.length === 0) { tally.passed++; console.log(`PASS ${name}`); }
  else { tally.failed++; console.log(`FAIL ${name}: ${problems.join('; ')}`); }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The file's trimmed text once it has some, within ms.
export async function waitForFile(path, ms) {
  for (let t = 0; t < ms; t += 50) {
    if (existsSync(path)) {
      const s = readFileSync(path, 'utf8').trim();
      if (s) return s;
    }
    await sleep(50);
  }
  throw new Error(`${path} did not appear`);
}

// slicer-sim on a free port (it prints the port on stdout), logging into
// tmp; the child process is added to children.  Its base URL.
export async function startSim(build, tmp, children) {
  const child = spawn(join(build, 'slicer-sim'), ['--port', '0', '--log', join(tmp, 'sim.log')],
                      { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(parseInt(out, 10)); });
    child.on('exit', () => reject(new Error('slicer-sim exited')));
    setTimeout(() => reject(new Error('slicer-sim did not print its port')), 10000);
  });
  return `http://127.0.0.1:${port}`;
}
