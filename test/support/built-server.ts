// The built server (dist/) as a child process, for specs about what the process does: signals,
// exit codes, its embedded PostgreSQL. Everything else runs in-process (test-server.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { ServerProcess, embeddedDataDir, freePort, removeCacheDir, stopOrphanedPostgres } from '../../bench/lib/server.mjs';
import { until } from './poll.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRIES = { coderd: 'dist/apps/coderd/src/main.js', enterprise: 'dist/apps/enterprise/src/main.js' };

/** Rebuilds dist/ if a source changed since the last build; one build at a time across jest workers. */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(os.tmpdir(), `coderd-ts-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  await until(() => takeLock(lock), (taken) => taken, 300_000);
  try {
    const built = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building dist/ failed:\n${built.stdout}\n${built.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    // A lock whose owner died is stale.
    const owner = Number(readFileSafe(path.join(lock, 'pid')));
    if (owner > 0 && !alive(owner)) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface BuiltServer {
  process: ServerProcess;
  url: string;
  port: number;
  cacheDir: string;
  /** The log lines (ANSI colours removed) matching `re`. */
  lines(re: RegExp): string[];
  /** Stops it if still running, stops a PostgreSQL it left behind, removes its cache directory (unless kept). */
  cleanup(opts?: { keepCache?: boolean }): Promise<void>;
}

/**
 * The AGPL (`coderd`) or enterprise server from dist/. With no CODER_PG_CONNECTION_URL in `env` it
 * runs embedded PostgreSQL under `cacheDir` (a fresh temporary one when not given).
 */
export async function builtServer(edition: keyof typeof ENTRIES, env: Record<string, string> = {}, cacheDir?: string): Promise<BuiltServer> {
  const dir = cacheDir ?? (await mkdtemp(path.join(os.tmpdir(), 'coderd-built-')));
  // Run as root, embedded PostgreSQL runs as the postgres user, which must reach its data in here.
  await chmod(dir, 0o755);
  const port = await freePort();
  const proc = new ServerProcess({ root: ROOT, entry: ENTRIES[edition], cacheDir: dir, port, extraEnv: env });
  return {
    process: proc,
    url: proc.baseUrl,
    port,
    cacheDir: dir,
    lines: (re) => stripVTControlCharacters(proc.log).split('\n').filter((l) => re.test(l)),
    async cleanup(opts = {}) {
      await proc.stop({ graceMs: 10_000 });
      const dataDir = embeddedDataDir(dir);
      await stopOrphanedPostgres(dataDir);
      if (!opts.keepCache) removeCacheDir(dir, dataDir);
    },
  };
}

/** The first line of postmaster.pid in a data directory: the postmaster's pid. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** True when nothing accepts a TCP connection on the port (ECONNREFUSED). */
export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
