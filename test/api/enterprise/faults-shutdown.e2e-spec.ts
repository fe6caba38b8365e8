// SIGTERM to the built enterprise server while an AI Bridge stream, slow AI Bridge requests and a
// bounded API load are in flight: new connections are refused at once, everything in flight finishes
// (within CODER_SHUTDOWN_GRACE_PERIOD), the process exits 0, and every interception it answered is
// recorded (read back after a restart on the same database). A stream that outlasts a short grace
// period is cut, recorded as aborted, and the exit code is still 0.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { bridgeEnv } from '../../support/aibridge.js';
import { builtServer, ensureBuilt, refusesConnections, type BuiltServer } from '../../support/built-server.js';
import { startFakeLlm, type FakeLlm } from '../../support/fake-llm.mjs';
import { PASSWORD } from '../../support/fixtures.js';
import { validLicense } from '../../support/licenses.js';
import { Load, send, type Outcome } from '../../support/load.js';
import { until } from '../../support/poll.js';
import { createDatabase } from '../../support/test-server.js';

const CHAT = '/api/v2/aibridge/openai/v1/chat/completions';
/** Failures of connections the server never accepted (or closed while idle, between requests). */
const NOT_ACCEPTED = ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'];

interface Stream {
  /** Resolves with the text received and whether the connection was cut before the end. */
  done: Promise<{ text: string; cut: boolean }>;
  finished: boolean;
}

describe('SIGTERM under load and during a streaming AI Bridge response', () => {
  let fake: FakeLlm;
  let databaseUrl: string;
  let env: Record<string, string>;
  let server: BuiltServer | undefined;
  let load: Load | undefined;
  let token: string;

  const json = (t?: string) => ({ 'Content-Type': 'application/json', ...(t ? { Authorization: `Bearer ${t}` } : {}) });
  const chat = (model: string, stream = false) => JSON.stringify({ model, messages: [{ role: 'user', content: `hello ${model}` }], ...(stream ? { stream: true } : {}) });

  async function start(grace: string): Promise<BuiltServer> {
    const s = await builtServer('enterprise', { ...env, CODER_SHUTDOWN_GRACE_PERIOD: grace });
    await s.process.start();
    return s;
  }

  /** A streaming chat completion whose first chunk has arrived. */
  async function openStream(s: BuiltServer, model: string): Promise<Stream> {
    const res = await fetch(`${s.url}${CHAT}`, { method: 'POST', headers: json(token), body: chat(model, true) });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    const stream: Stream = { finished: false, done: Promise.resolve({ text: '', cut: false }) };
    stream.done = (async () => {
      let text = decoder.decode(first.value, { stream: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return { text, cut: false };
          text += decoder.decode(value, { stream: true });
        }
      } catch {
        return { text, cut: true };
      } finally {
        stream.finished = true;
      }
    })();
    return stream;
  }

  async function recorded(models: string[]) {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ model: string; ended: boolean; metadata: Record<string, unknown>; usages: number; prompts: number }>(
        `SELECT i.model, i.ended_at IS NOT NULL AS ended, i.metadata,
           (SELECT count(*)::int FROM aibridge_token_usages c WHERE c.interception_id = i.id) AS usages,
           (SELECT count(*)::int FROM aibridge_user_prompts c WHERE c.interception_id = i.id) AS prompts
         FROM aibridge_interceptions i WHERE i.model = ANY($1) ORDER BY i.model`,
        [models],
      );
      return rows;
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    await ensureBuilt();
    fake = await startFakeLlm();
    databaseUrl = await createDatabase();
    env = { ...(await bridgeEnv(fake)), CODER_PG_CONNECTION_URL: databaseUrl };
    // Owner, login and license, once: they live in the database every server below shares.
    server = await start('30s');
    const user = { email: 'owner@example.com', username: 'owner', password: PASSWORD };
    expect((await fetch(`${server.url}/api/v2/users/first`, { method: 'POST', headers: json(), body: JSON.stringify(user) })).status).toBe(201);
    const login = await fetch(`${server.url}/api/v2/users/login`, { method: 'POST', headers: json(), body: JSON.stringify({ email: user.email, password: PASSWORD }) });
    token = ((await login.json()) as { session_token: string }).session_token;
    const license = await fetch(`${server.url}/api/v2/licenses`, { method: 'POST', headers: { ...json(), 'Coder-Session-Token': token }, body: JSON.stringify({ license: await validLicense({ aibridge: 1 }) }) });
    expect(license.status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await load?.stop();
    await server?.cleanup();
    await fake?.close();
  });

  it('refuses new connections, finishes the stream and every request in flight, exits 0, and has recorded every answered interception', async () => {
    const s = server!;
    for (const model of ['gpt-before-1', 'gpt-before-2']) {
      expect((await send(model, `${s.url}${CHAT}`, { method: 'POST', headers: json(token), body: chat(model) })).status).toBe(200);
    }
    fake.slowNext({ chunks: 12, intervalMs: 250 });
    const stream = await openStream(s, 'gpt-stream');
    fake.slowNext({ chunks: 8, intervalMs: 250 });
    fake.slowNext({ chunks: 8, intervalMs: 250 });
    const blocking = ['gpt-blocking-1', 'gpt-blocking-2'].map((model) => send(model, `${s.url}${CHAT}`, { method: 'POST', headers: json(token), body: chat(model) }));
    expect(await until(() => fake.inFlight, (n) => n === 3)).toBe(3);

    // API load that runs until the server stops answering.
    const headers = { 'Coder-Session-Token': token };
    const running = (load = new Load(
      3,
      (w, n) => send('GET', `${s.url}/api/v2/users${(w + n) % 2 ? '/me' : '?limit=5'}`, { headers }),
      (o) => o.error !== undefined,
    ));
    await until(() => running.outcomes.length, (n) => n >= 6);

    const exited = s.process.exited!;
    s.process.child!.kill('SIGTERM');
    expect(await until(() => refusesConnections(s.port), (r) => r, 5_000)).toBe(true);
    expect(stream.finished).toBe(false); // refused while the stream was still being answered

    const { text, cut } = await stream.done;
    expect(cut).toBe(false);
    expect(text).toContain('chunk 12');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    for (const o of await Promise.all(blocking)) {
      expect(o.status).toBe(200);
      expect((o.body as { choices: { message: { content: string } }[] }).choices[0].message.content).toContain('chunk 8');
    }
    const outcomes: Outcome[] = await running.stop();
    expect(outcomes.filter((o) => o.status !== undefined && o.status !== 200)).toEqual([]);
    expect(outcomes.filter((o) => o.error && !NOT_ACCEPTED.includes(o.error))).toEqual([]);
    expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThanOrEqual(6);

    expect(await exited).toEqual({ code: 0, signal: null });
    expect(s.lines(/Received SIGTERM; finishing in-flight requests \(for up to 30s\)/)).toHaveLength(1);
    expect(s.lines(/grace period is over/)).toEqual([]);

    const models = ['gpt-before-1', 'gpt-before-2', 'gpt-blocking-1', 'gpt-blocking-2', 'gpt-stream'];
    expect(await recorded(models)).toEqual(
      models.map((model) => ({ model, ended: true, metadata: { stream: model === 'gpt-stream', upstream_status: 200 }, usages: 1, prompts: 1 })),
    );
  });

  it('after a restart on the same database the answered interceptions are listed; a stream outlasting CODER_SHUTDOWN_GRACE_PERIOD=1s is cut, recorded as aborted, and the exit is still 0', async () => {
    await server?.cleanup();
    const s = (server = await start('1s'));
    const listed = await fetch(`${s.url}/api/v2/aibridge/interceptions?limit=100`, { headers: { 'Coder-Session-Token': token } });
    expect(listed.status).toBe(200);
    const { results } = (await listed.json()) as { results: { model: string; ended_at: string | null }[] };
    expect(results.map((r) => r.model).sort()).toEqual(['gpt-before-1', 'gpt-before-2', 'gpt-blocking-1', 'gpt-blocking-2', 'gpt-stream']);
    expect(results.filter((r) => r.ended_at === null)).toEqual([]);

    fake.reset();
    fake.slowNext({ chunks: 40, intervalMs: 250 });
    const stream = await openStream(s, 'gpt-cut');
    const exited = s.process.exited!;
    s.process.child!.kill('SIGTERM');

    const { text, cut } = await stream.done;
    expect(cut).toBe(true);
    expect(text).not.toContain('[DONE]');
    expect(await fake.waitForAbort(5_000)).toBe(true);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(s.lines(/The shutdown grace period is over; cutting 1 connection\(s\) still open\./)).toHaveLength(1);

    expect(await recorded(['gpt-cut'])).toEqual([
      { model: 'gpt-cut', ended: true, metadata: { stream: true, upstream_status: 200, client_aborted: true }, usages: 0, prompts: 1 },
    ]);
  });
});
