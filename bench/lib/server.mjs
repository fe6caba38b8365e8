// Starts and stops the built enterprise server as a child process, and cleans up after it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../../scripts/free-port.cjs';

const LOG_LIMIT = 256 * 1024;
// Variables we never inherit from the caller's shell: they would change what is being measured.
// CODER_HTTP_ADAPTER and CODER_PG_CONN_MAX_OPEN are let through on purpose (they are knobs).
const PASS_THROUGH = new Set(['CODER_HTTP_ADAPTER', 'CODER_PG_CONN_MAX_OPEN']);

export { freePort };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** GET url; resolves with the status code, or undefined on a connection error. */
function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/**
 * One server process. `start()` resolves with the seconds from spawn to the first 200 on /healthz.
 * Output is kept (last 256 KiB) so a failure can show what the server said.
 */
export class ServerProcess {
  constructor({ root, entry, cacheDir, port, extraEnv = {} }) {
    this.root = root;
    this.entry = entry;
    this.cacheDir = cacheDir;
    this.port = port;
    this.extraEnv = extraEnv;
    this.child = undefined;
    this.log = '';
    this.exited = undefined; // promise of { code, signal }
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  env() {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('CODER_') || PASS_THROUGH.has(k)) env[k] = v;
    }
    return {
      ...env,
      CODER_CACHE_DIRECTORY: this.cacheDir,
      CODER_HTTP_ADDRESS: `127.0.0.1:${this.port}`,
      CODER_API_RATE_LIMIT: '-1',
      CODER_LOGIN_RATE_LIMIT: '-1',
      ...this.extraEnv,
    };
  }

  append(label, chunk) {
    this.log += chunk.toString().replace(/^(?=.)/gm, label);
    if (this.log.length > LOG_LIMIT) this.log = this.log.slice(-LOG_LIMIT);
  }

  async start({ timeoutMs = 180_000 } = {}) {
    const t0 = performance.now();
    // Own process group: a Ctrl-C in the terminal reaches only the harness, which then stops the
    // server with one SIGTERM (a second signal makes the server exit without stopping PostgreSQL).
    const child = spawn(process.execPath, [this.entry], { cwd: this.root, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    child.stdout.on('data', (c) => this.append('', c));
    child.stderr.on('data', (c) => this.append('[stderr] ', c));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let exit;
    void this.exited.then((e) => (exit = e));
    const url = `${this.baseUrl}/healthz`;
    for (;;) {
      if (exit) throw new Error(`server exited during start-up (code ${exit.code}, signal ${exit.signal})\n${this.tail()}`);
      if (performance.now() - t0 > timeoutMs) throw new Error(`server did not answer 200 on /healthz within ${timeoutMs / 1000} s\n${this.tail()}`);
      if ((await probe(url)) === 200) return (performance.now() - t0) / 1000;
      await sleep(25);
    }
  }

  /** What the server said about its own start-up ("started in N ms"), the last one logged. */
  reportedStartMs() {
    const all = [...this.log.matchAll(/started in (\d+) ms/g)];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  }

  tail(lines = 40) {
    return this.log.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM, wait for the exit (the server stops embedded PostgreSQL first); SIGKILL after a grace period. */
  async stop({ graceMs = 30_000 } = {}) {
    const child = this.child;
    if (!child || !this.exited) return undefined;
    if (child.exitCode !== null || child.signalCode !== null) return { ...(await this.exited), seconds: 0 };
    const t0 = performance.now();
    child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    let result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      console.error(`! server did not exit ${graceMs / 1000} s after SIGTERM; sending SIGKILL`);
      child.kill('SIGKILL');
      result = await this.exited;
    }
    return { ...result, seconds: (performance.now() - t0) / 1000 };
  }
}

/** The embedded cluster's data directory for a cache dir (follows the /var/lib/coderd-ts symlink when root). */
export function embeddedDataDir(cacheDir) {
  const link = path.join(cacheDir, 'postgres', 'data');
  try {
    return realpathSync(link);
  } catch {
    return link;
  }
}

/**
 * If the server died without stopping PostgreSQL (SIGKILL, crash), stop the postmaster that runs on
 * *this* data directory (pid from its postmaster.pid), so no cluster outlives the benchmark.
 */
export async function stopOrphanedPostgres(dataDir) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  console.error(`! embedded PostgreSQL (pid ${pid}) is still running; stopping it`);
  process.kill(pid, 'SIGINT'); // "fast" shutdown
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the cache directory and, when the cluster lived outside it (root), the outside copy too. */
export function removeCacheDir(cacheDir, dataDir) {
  if (dataDir && !dataDir.startsWith(cacheDir + path.sep) && dataDir.startsWith('/var/lib/coderd-ts/')) {
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
  rmSync(cacheDir, { recursive: true, force: true });
}
