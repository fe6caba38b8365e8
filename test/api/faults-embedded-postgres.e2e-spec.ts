// The built server on its embedded PostgreSQL, whose postmaster is killed (SIGKILL) under load: the
// server says so in one log line and restarts it, answering 503 (never 500) meanwhile, and serves
// again; when PostgreSQL cannot be restarted, the server exits non-zero after a bounded number of
// attempts instead of answering errors forever.
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { embeddedDataDir } from '../../bench/lib/server.mjs';
import { alive, builtServer, ensureBuilt, postmasterPid, refusesConnections, type BuiltServer } from '../support/built-server.js';
import { PASSWORD } from '../support/fixtures.js';
import { Load, send, type Outcome } from '../support/load.js';
import { until } from '../support/poll.js';

const DATABASE_UNAVAILABLE = { message: 'The database is unavailable; try again shortly.', detail: expect.any(String) };
const DIED = /Embedded PostgreSQL died \(pid \d+ was killed by SIGKILL\)/;

/** The first user, logged in: its session token. */
async function owner(server: BuiltServer): Promise<string> {
  const json = { 'Content-Type': 'application/json' };
  const user = { email: 'owner@example.com', username: 'owner', password: PASSWORD };
  const first = await fetch(`${server.url}/api/v2/users/first`, { method: 'POST', headers: json, body: JSON.stringify(user) });
  if (first.status !== 201 && first.status !== 409) throw new Error(`first user: ${first.status} ${await first.text()}`);
  const login = await fetch(`${server.url}/api/v2/users/login`, { method: 'POST', headers: json, body: JSON.stringify({ email: user.email, password: PASSWORD }) });
  return ((await login.json()) as { session_token: string }).session_token;
}

/** Reads and token creations, one at a time per worker. */
function apiLoad(server: BuiltServer, token: string): Load {
  const headers = { 'Coder-Session-Token': token, 'Content-Type': 'application/json' };
  return new Load(3, (w, n) =>
    (w + n) % 2 === 0
      ? send('GET /users', `${server.url}/api/v2/users?limit=5`, { headers })
      : send('POST /tokens', `${server.url}/api/v2/users/me/keys/tokens`, { method: 'POST', headers, body: JSON.stringify({ token_name: `t-${Date.now()}-${w}-${n}` }) }),
  );
}

/** Answers are successes or the database's 503, never a 500; the 503s carry Coder's body. */
function expectOnlySuccessesAnd503(outcomes: Outcome[]): void {
  expect([...new Set(outcomes.map((o) => o.status ?? o.error))].filter((s) => s !== 200 && s !== 201 && s !== 503)).toEqual([]);
  for (const o of outcomes.filter((x) => x.status === 503)) expect(o.body).toEqual(DATABASE_UNAVAILABLE);
}

describe('embedded PostgreSQL killed under the built server', () => {
  let server: BuiltServer | undefined;
  let cacheDir: string | undefined;
  let load: Load | undefined;

  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  afterAll(async () => {
    await load?.stop();
    await server?.cleanup();
  });

  it('logs the death once, restarts PostgreSQL, answers 503 meanwhile and serves again; SIGTERM then exits 0', async () => {
    server = await builtServer('coderd');
    cacheDir = server.cacheDir;
    await server.process.start();
    const token = await owner(server);
    const running = (load = apiLoad(server, token));
    await until(() => running.outcomes.filter((o) => o.status === 201).length, (n) => n >= 2);

    const pid = postmasterPid(embeddedDataDir(server.cacheDir));
    process.kill(pid, 'SIGKILL');
    const killed = Date.now();
    expect(await until(() => server!.lines(DIED).length, (n) => n > 0, 10_000)).toBe(1);

    // Serves again: token creations sent after the kill succeed.
    await until(() => running.since(killed).filter((o) => o.kind === 'POST /tokens' && o.status === 201).length, (n) => n >= 3, 30_000);
    const outcomes = await running.stop();
    expectOnlySuccessesAnd503(outcomes);
    expect(running.since(killed).filter((o) => o.status === 201).length).toBeGreaterThanOrEqual(3);

    const restarted = postmasterPid(embeddedDataDir(server.cacheDir));
    expect(restarted).not.toBe(pid);
    expect(alive(restarted)).toBe(true);
    expect(server.lines(DIED)).toHaveLength(1);
    expect(server.lines(/Embedded PostgreSQL is running again/)).toHaveLength(1);

    // Every confirmed token survived the crash (PostgreSQL's crash recovery replays them).
    const confirmed = outcomes.filter((o) => o.kind === 'POST /tokens' && o.status === 201).map((o) => (o.body as { key: string }).key.split('-')[0]);
    const listed = await fetch(`${server.url}/api/v2/users/me/keys/tokens`, { headers: { 'Coder-Session-Token': token } });
    expect(((await listed.json()) as { id: string }[]).map((k) => k.id)).toEqual(expect.arrayContaining(confirmed));

    // Shutdown stops the restarted PostgreSQL too.
    expect(await server.process.stop()).toMatchObject({ code: 0, signal: null });
    expect(await until(() => alive(restarted), (a) => !a, 10_000)).toBe(false);
  });

  it('exits non-zero after a bounded number of attempts when PostgreSQL cannot be restarted', async () => {
    expect(cacheDir).toBeDefined();
    await server?.cleanup({ keepCache: true });
    server = await builtServer('coderd', {}, cacheDir); // the same cluster, started again
    await server.process.start();
    const token = await owner(server);
    const running = (load = apiLoad(server, token));
    await until(() => running.outcomes.filter((o) => o.status === 200).length, (n) => n >= 2);

    // PostgreSQL keeps running on its data (it works relative to it), but a new one cannot find it.
    const dataDir = embeddedDataDir(server.cacheDir);
    const moved = path.join(path.dirname(dataDir), 'data-moved');
    await rename(dataDir, moved);
    try {
      process.kill(postmasterPid(moved), 'SIGKILL');
      const exit = await server.process.exited!;
      expect(exit).toEqual({ code: 1, signal: null });
    } finally {
      await rename(moved, dataDir);
    }
    const outcomes = await running.stop();
    expectOnlySuccessesAnd503(outcomes.filter((o) => o.status !== undefined));
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    // Once it exited, nothing answers; before, nothing failed but with 503.
    expect(outcomes.filter((o) => o.error && o.error !== 'ECONNREFUSED' && o.error !== 'ECONNRESET' && o.error !== 'UND_ERR_SOCKET')).toEqual([]);
    expect(await refusesConnections(server.port)).toBe(true);

    expect(server.lines(DIED)).toHaveLength(1);
    expect(server.lines(/Restarting embedded PostgreSQL failed \(attempt \d of 5\)/)).toHaveLength(5);
    expect(server.lines(/Embedded PostgreSQL could not be restarted after 5 attempts .*; exiting\./)).toHaveLength(1);
  });
});
