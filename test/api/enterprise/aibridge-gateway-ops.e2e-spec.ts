// AI Bridge in operation: upstream failures passed through unchanged, streaming without buffering,
// client aborts, unreachable and silent providers, overload limits, the license gate, large bodies,
// the Express adapter, recording through database trouble and shutdown, Prometheus metrics and
// retention. The happy paths with the official SDKs are in aibridge-gateway.e2e-spec.ts.
import http from 'node:http';
import net from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import pg from 'pg';
import { MetricsService } from '#coderd/metrics/metrics.service.js';
import { GatewayService } from '#enterprise/aibridge/gateway/gateway.service.js';
import { InterceptionRecorder } from '#enterprise/aibridge/recording/recorder.service.js';
import { RetentionService } from '#enterprise/aibridge/recording/retention.service.js';
import {
  FAKE_ANTHROPIC_KEY,
  FAKE_OPENAI_KEY,
  FAKE_SSE_ERRORS,
  FAKE_TEXT,
  FAKE_USAGE,
  anthropicErrorBody,
  openaiErrorBody,
  startFakeLlm,
  type FakeLlm,
} from '../../support/fake-llm.mjs';
import { bridgeEnv, startBridge } from '../../support/aibridge.js';
import { api, type FirstUser, type TestUser } from '../../support/fixtures.js';
import type { TestServer } from '../../support/test-server.js';

const ROOT = '/api/v2/aibridge';
const CLAUDE = 'claude-sonnet-4-6';
const USER = [{ role: 'user' as const, content: 'hello' }];
const PREMIUM = 'AI Bridge is a Premium feature. Contact sales!';
const NOT_ENABLED = 'The license entitles this feature, but it is not enabled on this deployment.';
const AT_CAPACITY = { message: 'AI Bridge is currently at capacity. Please try again later.' };
const RATE_LIMITED = { message: "You've been rate limited. Please try again later." };
/** Well-formed, but no such key. */
const BAD_TOKEN = 'AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBB';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MIB = 1024 * 1024;

interface RecordedRow {
  id: string;
  provider_name: string;
  model: string;
  metadata: Record<string, unknown>;
  ended_at: Date | null;
  usages: number;
  prompts: number;
  tools: number;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

const flush = (server: TestServer) => server.app.get(InterceptionRecorder, { strict: false }).flush();

/** The interceptions of these models (oldest first), each with how many child rows it has. */
async function recorded(server: TestServer, models: string[]): Promise<RecordedRow[]> {
  await flush(server);
  return server.sql<RecordedRow>(
    `SELECT i.id, i.provider_name, i.model, i.metadata, i.ended_at,
       (SELECT count(*)::int FROM aibridge_token_usages c WHERE c.interception_id = i.id) AS usages,
       (SELECT count(*)::int FROM aibridge_user_prompts c WHERE c.interception_id = i.id) AS prompts,
       (SELECT count(*)::int FROM aibridge_tool_usages c WHERE c.interception_id = i.id) AS tools
     FROM aibridge_interceptions i WHERE i.model = ANY($1) ORDER BY i.started_at, i.id`,
    [models],
  );
}

/** Polls `probe` until `done` holds or `withinMs` passes; returns the last value. For asynchronous effects only. */
async function until<T>(probe: () => Promise<T> | T, done: (v: T) => boolean, withinMs = 3000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() >= deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A raw request to a gateway route, the Coder token as `Authorization: Bearer` (none when undefined). */
function gateway(server: TestServer, path: string, token: string | undefined, body?: unknown, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}${ROOT}${path}`, {
    ...init,
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const chat = (model: string, stream = false) => ({ model, messages: USER, ...(stream ? { stream: true } : {}) });

async function json(res: Response): Promise<{ status: number; body: unknown }> {
  return { status: res.status, body: await res.json() };
}

const openai = (server: TestServer, token: string, provider = 'openai') =>
  new OpenAI({ apiKey: token, baseURL: `${server.url}${ROOT}/${provider}/v1`, maxRetries: 0, logLevel: 'off' });
const anthropic = (server: TestServer, token: string, provider = 'anthropic') =>
  new Anthropic({ apiKey: token, baseURL: `${server.url}${ROOT}/${provider}`, maxRetries: 0, logLevel: 'off' });

/** Reads the rest of a body as text. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, first = ''): Promise<string> {
  const decoder = new TextDecoder();
  let text = first;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

/** One sample of a Prometheus text exposition: the value of `name` with exactly these labels. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]).sort(([a], [b]) => a.localeCompare(b));
    if (JSON.stringify(got) === JSON.stringify(want)) return Number(m[3]);
  }
  return undefined;
}

/** Old or fresh interceptions inserted directly, each with a token usage, a prompt and a tool usage. */
async function seedInterceptions(server: TestServer, initiator: string, model: string, count: number, age: string): Promise<string[]> {
  const rows = await server.sql<{ id: string }>(
    `INSERT INTO aibridge_interceptions (id, initiator_id, api_key_id, provider, provider_name, model, started_at, ended_at)
     SELECT gen_random_uuid(), $1, 'seeded', 'openai', 'openai', $2, now() - $3::interval, now() - $3::interval + interval '1 second'
     FROM generate_series(1, $4) RETURNING id`,
    [initiator, model, age, count],
  );
  const ids = rows.map((r) => r.id);
  await server.sql(
    `INSERT INTO aibridge_token_usages (id, interception_id, provider_response_id, input_tokens, output_tokens, created_at)
     SELECT gen_random_uuid(), id, 'r', 1, 1, started_at FROM aibridge_interceptions WHERE id = ANY($1)`,
    [ids],
  );
  await server.sql(
    `INSERT INTO aibridge_user_prompts (id, interception_id, provider_response_id, prompt, created_at)
     SELECT gen_random_uuid(), id, 'r', 'old question', started_at FROM aibridge_interceptions WHERE id = ANY($1)`,
    [ids],
  );
  await server.sql(
    `INSERT INTO aibridge_tool_usages (id, interception_id, provider_response_id, tool, input, created_at)
     SELECT gen_random_uuid(), id, 'r', 'read_file', '{}', started_at FROM aibridge_interceptions WHERE id = ANY($1)`,
    [ids],
  );
  return ids;
}

/** How many of these interceptions, and of their child rows, are left. */
async function remaining(server: TestServer, ids: string[]): Promise<{ interceptions: number; usages: number; prompts: number; tools: number }> {
  const [row] = await server.sql<{ interceptions: number; usages: number; prompts: number; tools: number }>(
    `SELECT (SELECT count(*)::int FROM aibridge_interceptions WHERE id = ANY($1)) AS interceptions,
            (SELECT count(*)::int FROM aibridge_token_usages WHERE interception_id = ANY($1)) AS usages,
            (SELECT count(*)::int FROM aibridge_user_prompts WHERE interception_id = ANY($1)) AS prompts,
            (SELECT count(*)::int FROM aibridge_tool_usages WHERE interception_id = ANY($1)) AS tools`,
    [ids],
  );
  return row;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Accepts connections and never writes a byte. */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/**
 * A pass-through in front of the fake that keeps the exact body bytes of the last response the fake
 * sent, so what the gateway's client receives can be compared with them byte for byte.
 */
async function startTap(target: string): Promise<{ url: string; lastBody(): Buffer; close(): Promise<void> }> {
  let last = Buffer.alloc(0);
  const srv = http.createServer((req, res) => {
    const up = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => {
        chunks.push(c);
        res.write(c);
      });
      upRes.on('end', () => {
        last = Buffer.concat(chunks);
        res.end();
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`,
    lastBody: () => last,
    close: () =>
      new Promise<void>((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections();
      }),
  };
}

/** The 3 MiB checks: accepted by the gateway (LLM conversations are large), refused elsewhere. */
async function expectLargeBodies(server: TestServer, fake: FakeLlm, token: string): Promise<void> {
  const big = 'x'.repeat(3 * MIB);
  const res = await gateway(server, '/openai/v1/chat/completions', token, { model: 'gpt-large-body', messages: [{ role: 'user', content: big }] });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content).toBe(FAKE_TEXT);
  expect(fake.requests.at(-1)!.rawBody.length).toBeGreaterThan(3 * MIB);

  const profile = await api(server, token).put('/api/v2/users/me/profile').send({ username: 'big', name: big });
  expect({ status: profile.status, body: profile.body }).toEqual({ status: 413, body: { message: 'Request body is too large.' } });
}

/** Gateway responses of every kind (proxied, streamed, passed-through error, Coder error) carry a request id. */
async function requestIds(server: TestServer, fake: FakeLlm, token: string): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  const send = async (name: string, res: Promise<Response>) => {
    const r = await res;
    await r.arrayBuffer();
    out[name] = r.headers.get('x-coder-request-id');
  };
  await send('blocking 200', gateway(server, '/openai/v1/chat/completions', token, chat('gpt-request-id')));
  await send('streaming 200', gateway(server, '/anthropic/v1/messages', token, { model: CLAUDE, max_tokens: 16, stream: true, messages: USER }));
  await send('passthrough 200', gateway(server, '/openai/v1/models', token));
  fake.failNext({ status: 500, body: openaiErrorBody({ message: 'boom', type: 'server_error' }) });
  await send('upstream 500', gateway(server, '/openai/v1/chat/completions', token, chat('gpt-request-id')));
  await send('401', gateway(server, '/openai/v1/chat/completions', undefined, chat('gpt-request-id')));
  await send('404', gateway(server, '/openai/v1/completions', token, chat('gpt-request-id')));
  return out;
}

// ---------------------------------------------------------------------------------------------------------

describe('AI Bridge gateway in operation', () => {
  let fake: FakeLlm;
  let tap: Awaited<ReturnType<typeof startTap>>;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let main: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let deadPort: number;

  beforeAll(async () => {
    fake = await startFakeLlm();
    tap = await startTap(fake.url);
    silent = await startSilentServer();
    deadPort = await closedPort();
    ({ server: main, owner, member } = await startBridge(
      await bridgeEnv(fake, {
        CODER_PROMETHEUS_ADDRESS: '127.0.0.1:0',
        CODER_AIBRIDGE_IDLE_TIMEOUT: '500ms',
        // The fake behind a recording pass-through.
        CODER_AIBRIDGE_PROVIDER_0_TYPE: 'openai',
        CODER_AIBRIDGE_PROVIDER_0_NAME: 'tapped',
        CODER_AIBRIDGE_PROVIDER_0_KEY: FAKE_OPENAI_KEY,
        CODER_AIBRIDGE_PROVIDER_0_BASE_URL: `${tap.url}/v1`,
        CODER_AIBRIDGE_PROVIDER_1_TYPE: 'anthropic',
        CODER_AIBRIDGE_PROVIDER_1_NAME: 'tapped-anthropic',
        CODER_AIBRIDGE_PROVIDER_1_KEY: FAKE_ANTHROPIC_KEY,
        CODER_AIBRIDGE_PROVIDER_1_BASE_URL: tap.url,
        // Nothing listens there.
        CODER_AIBRIDGE_PROVIDER_2_TYPE: 'openai',
        CODER_AIBRIDGE_PROVIDER_2_NAME: 'unreachable',
        CODER_AIBRIDGE_PROVIDER_2_KEY: FAKE_OPENAI_KEY,
        CODER_AIBRIDGE_PROVIDER_2_BASE_URL: `http://127.0.0.1:${deadPort}/v1`,
        // Accepts the connection, never answers.
        CODER_AIBRIDGE_PROVIDER_3_TYPE: 'openai',
        CODER_AIBRIDGE_PROVIDER_3_NAME: 'silent',
        CODER_AIBRIDGE_PROVIDER_3_KEY: FAKE_OPENAI_KEY,
        CODER_AIBRIDGE_PROVIDER_3_BASE_URL: `http://127.0.0.1:${silent.port}/v1`,
        // No key.
        CODER_AIBRIDGE_PROVIDER_4_TYPE: 'anthropic',
        CODER_AIBRIDGE_PROVIDER_4_NAME: 'keyless',
        CODER_AIBRIDGE_PROVIDER_4_BASE_URL: fake.url,
      }),
    ));
  });
  afterAll(async () => {
    await main?.close();
    await tap?.close();
    await silent?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  describe('upstream errors reach the client unchanged', () => {
    it('OpenAI 500 JSON: the same status and body through the SDK and raw fetch; recorded with upstream_status 500', async () => {
      const body = openaiErrorBody({ message: 'The server had an error while processing your request.', type: 'server_error' });
      fake.failNext({ status: 500, body });
      const err = await openai(main, owner.token)
        .chat.completions.create({ model: 'gpt-fail-sdk', messages: USER })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err).toMatchObject({ status: 500, error: body.error });
      expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-request-id')).toMatch(/^req_fake_\d+$/);

      fake.failNext({ status: 500, body });
      const res = await gateway(main, '/openai/v1/chat/completions', owner.token, chat('gpt-fail-raw'));
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.text()).toBe(JSON.stringify(body));

      const rows = await recorded(main, ['gpt-fail-sdk', 'gpt-fail-raw']);
      expect(rows.map((r) => [r.model, r.metadata, r.ended_at !== null, r.usages])).toEqual([
        ['gpt-fail-sdk', { stream: false, upstream_status: 500 }, true, 0],
        ['gpt-fail-raw', { stream: false, upstream_status: 500 }, true, 0],
      ]);
    });

    it('Anthropic 429 keeps its own headers (retry-after, rate-limit headers) and body; recorded with upstream_status 429', async () => {
      const body = anthropicErrorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit');
      const headers = { 'retry-after': '17', 'anthropic-ratelimit-requests-remaining': '0' };
      fake.failNext({ status: 429, body, headers });
      const err = await anthropic(main, owner.token)
        .messages.create({ model: 'claude-fail-sdk', max_tokens: 16, messages: USER })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.RateLimitError);
      expect(err).toMatchObject({ status: 429, error: body });
      expect((err as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after')).toBe('17');

      fake.failNext({ status: 429, body, headers });
      const res = await gateway(main, '/anthropic/v1/messages', owner.token, { model: 'claude-fail-raw', max_tokens: 16, messages: USER });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('17');
      expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
      expect(res.headers.get('request-id')).toMatch(/^req_fake_\d+$/);
      expect(await res.text()).toBe(JSON.stringify(body));

      const rows = await recorded(main, ['claude-fail-sdk', 'claude-fail-raw']);
      expect(rows.map((r) => [r.model, r.metadata, r.ended_at !== null, r.usages])).toEqual([
        ['claude-fail-sdk', { stream: false, upstream_status: 429 }, true, 0],
        ['claude-fail-raw', { stream: false, upstream_status: 429 }, true, 0],
      ]);
    });

    it.each([
      ['OpenAI chat', '/tapped/v1/chat/completions', chat('gpt-sse-error', true), `data: ${JSON.stringify(FAKE_SSE_ERRORS.chat)}\n\n`],
      [
        'Anthropic messages',
        '/tapped-anthropic/v1/messages',
        { model: 'claude-sse-error', max_tokens: 16, stream: true, messages: USER },
        `event: error\ndata: ${JSON.stringify(FAKE_SSE_ERRORS.anthropic)}\n\n`,
      ],
    ])('%s: an SSE error event mid-stream reaches the client byte for byte', async (_name, path, body, errorFrame) => {
      fake.sseErrorNext();
      const res = await gateway(main, path, owner.token, body);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const got = Buffer.from(await res.arrayBuffer());
      expect(got.toString('utf8')).toBe(tap.lastBody().toString('utf8'));
      expect(got.equals(tap.lastBody())).toBe(true);
      expect(got.toString('utf8').endsWith(errorFrame)).toBe(true);

      const [row] = await recorded(main, [body.model]);
      expect(row).toMatchObject({ metadata: { stream: true, upstream_status: 200 }, ended_at: expect.any(Date) });
    });

    it.each([
      ['chat, streaming', '/tapped/v1/chat/completions', chat('gpt-malformed-stream', true), 'text/event-stream; charset=utf-8'],
      ['chat, blocking (truncated JSON)', '/tapped/v1/chat/completions', chat('gpt-malformed-blocking'), 'application/json'],
      ['responses, streaming', '/tapped/v1/responses', { model: 'gpt-malformed-responses', input: 'x', stream: true }, 'text/event-stream; charset=utf-8'],
    ])('malformed upstream answer (%s): the client gets exactly the bytes the fake sent; recorded, no usage; server healthy', async (_n, path, body, type) => {
      fake.malformedNext();
      const res = await gateway(main, path, owner.token, body);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      const got = Buffer.from(await res.arrayBuffer());
      expect(got.toString('utf8')).toBe(tap.lastBody().toString('utf8'));
      expect(got.equals(tap.lastBody())).toBe(true);
      expect(got.toString('utf8')).toContain('%%%');

      const [row] = await recorded(main, [body.model]);
      expect(row).toMatchObject({ metadata: { stream: body.stream === true, upstream_status: 200 }, ended_at: expect.any(Date), usages: 0 });

      expect((await api(main).get('/healthz')).status).toBe(200);
      const ok = await openai(main, owner.token).chat.completions.create({ model: 'gpt-after-malformed', messages: USER });
      expect(ok.choices[0].message.content).toBe(FAKE_TEXT);
    });
  });

  describe('blocking answers on the wire', () => {
    /** One request over plain node:http, to see the response's framing headers as sent. */
    function raw(s: TestServer, token: string, body: unknown): Promise<{ headers: http.IncomingHttpHeaders; text: string }> {
      return new Promise((resolve, reject) => {
        const req = http.request(`${s.url}${ROOT}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    }

    it("keeps the provider's Content-Length", async () => {
      const { headers, text } = await raw(main, owner.token, chat('gpt-length'));
      expect(headers['content-length']).toBe(String(Buffer.byteLength(text)));
      expect(headers['transfer-encoding']).toBeUndefined();
      expect(JSON.parse(text).choices[0].message.content).toBe(FAKE_TEXT);
    });

    it('an answer that arrived chunked but in one piece goes out with a Content-Length', async () => {
      fake.chunkedNext({ pieces: 1 });
      const { headers, text } = await raw(main, owner.token, chat('gpt-one-piece'));
      expect(headers['transfer-encoding']).toBeUndefined();
      expect(headers['content-length']).toBe(String(Buffer.byteLength(text)));
      expect(JSON.parse(text).choices[0].message.content).toBe(FAKE_TEXT);
    });

    it('an answer that arrives in pieces is relayed chunked, whole', async () => {
      fake.chunkedNext({ pieces: 3 });
      const { headers, text } = await raw(main, owner.token, chat('gpt-pieces'));
      expect(headers['transfer-encoding']).toBe('chunked');
      expect(headers['content-length']).toBeUndefined();
      expect(JSON.parse(text).choices[0].message.content).toBe(FAKE_TEXT);
      const [row] = await recorded(main, ['gpt-pieces']);
      expect(row).toMatchObject({ metadata: { upstream_status: 200 }, usages: 1 });
    });
  });

  describe('streaming', () => {
    it('is not buffered: the first chunk reaches the client while the provider is still sending', async () => {
      fake.slowNext({ chunks: 5, intervalMs: 150 });
      const res = await gateway(main, '/openai/v1/chat/completions', owner.token, chat('gpt-slow', true));
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      const inFlightAtFirstChunk = fake.inFlight;
      const firstText = new TextDecoder().decode(first.value);
      expect(first.done).toBe(false);
      expect(inFlightAtFirstChunk).toBe(1);
      expect(firstText).not.toContain('chunk 5');

      const all = await drain(reader, firstText);
      expect(all).toContain('chunk 5');
      expect(all.endsWith('data: [DONE]\n\n')).toBe(true);
      expect(fake.inFlight).toBe(0);
    });

    it('a client abort mid-stream aborts the upstream request; recorded as ended with client_aborted; the server keeps serving', async () => {
      fake.slowNext({ chunks: 5, intervalMs: 150 });
      const ctl = new AbortController();
      const res = await gateway(main, '/openai/v1/chat/completions', owner.token, chat('gpt-abort', true), { signal: ctl.signal });
      const reader = res.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      ctl.abort();
      await reader.read().catch(() => undefined);

      expect(await fake.waitForAbort(2000)).toBe(true);
      expect(fake.lastAbort).toMatchObject({ path: '/v1/chat/completions' });

      const rows = await until(
        () => recorded(main, ['gpt-abort']),
        (r) => r[0]?.ended_at != null,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].ended_at).toEqual(expect.any(Date));
      expect(rows[0].metadata).toEqual({ stream: true, upstream_status: 200, client_aborted: true });
      expect(await until(() => main.app.get(GatewayService, { strict: false }).overload.current, (n) => n === 0)).toBe(0);

      const ok = await openai(main, owner.token).chat.completions.create({ model: 'gpt-after-abort', messages: USER });
      expect(ok.choices[0].message.content).toBe(FAKE_TEXT);
    });
  });

  describe('providers that cannot answer', () => {
    it('unreachable (nothing listening): 502, recorded with upstream_status 0', async () => {
      const res = await gateway(main, '/unreachable/v1/chat/completions', owner.token, chat('gpt-unreachable'));
      expect(await json(res)).toEqual({ status: 502, body: { message: 'Failed to reach the AI provider.', detail: expect.stringContaining('ECONNREFUSED') } });
      const models = await gateway(main, '/unreachable/v1/models', owner.token);
      expect(await json(models)).toEqual({ status: 502, body: { message: 'Failed to reach the AI provider.', detail: expect.any(String) } });

      const [row] = await recorded(main, ['gpt-unreachable']);
      expect(row).toMatchObject({ metadata: { stream: false, upstream_status: 0 }, ended_at: expect.any(Date), usages: 0 });
    });

    it('silent (accepts, never answers) past CODER_AIBRIDGE_IDLE_TIMEOUT=500ms: 504', async () => {
      const res = await gateway(main, '/silent/v1/chat/completions', owner.token, chat('gpt-silent'));
      expect(await json(res)).toEqual({ status: 504, body: { message: 'Timed out waiting for the AI provider.', detail: expect.any(String) } });
      const [row] = await recorded(main, ['gpt-silent']);
      expect(row).toMatchObject({ metadata: { stream: false, upstream_status: 0 }, ended_at: expect.any(Date) });
    });

    it('a provider without a key: 503, nothing forwarded', async () => {
      const res = await gateway(main, '/keyless/v1/messages', owner.token, { model: CLAUDE, max_tokens: 16, messages: USER });
      expect(await json(res)).toEqual({
        status: 503,
        body: { message: 'AI Bridge provider "keyless" has no key configured.', detail: 'An administrator must set CODER_AIBRIDGE_PROVIDER_4_KEY.' },
      });
      expect(fake.requests).toEqual([]);
    });
  });

  it('large bodies: 3 MiB is accepted by the gateway and refused (413) by a normal API route', async () => {
    await expectLargeBodies(main, fake, owner.token);
  });

  it('X-Coder-Request-Id is on every gateway response (Fastify)', async () => {
    const ids = await requestIds(main, fake, owner.token);
    for (const [kind, id] of Object.entries(ids)) expect({ kind, id }).toEqual({ kind, id: expect.stringMatching(UUID_RE) });
  });

  describe('Prometheus metrics', () => {
    let metricsUrl: string;
    beforeAll(() => {
      const port = main.app.get(MetricsService, { strict: false }).port;
      expect(port).toEqual(expect.any(Number));
      metricsUrl = `http://127.0.0.1:${port}`;
    });
    const scrape = async () => {
      const res = await fetch(`${metricsUrl}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };

    it('counts interceptions, tokens and durations of known requests; nothing left in flight', async () => {
      const model = 'gpt-metrics';
      const before = await scrape();
      const durationBefore = sample(before, 'coder_aibridge_interceptions_duration_seconds_count', { provider: 'openai', status: '200' }) ?? 0;
      const client = openai(main, member.token);
      await client.chat.completions.create({ model, messages: USER });
      await client.chat.completions.create({ model, messages: USER });
      for await (const chunk of await client.chat.completions.create({ model, messages: USER, stream: true })) void chunk;
      fake.failNext({ status: 500, body: openaiErrorBody({ message: 'boom', type: 'server_error' }) });
      await client.chat.completions.create({ model, messages: USER }).catch(() => undefined);

      const text = await until(scrape, (t) => sample(t, 'coder_aibridge_interceptions_inflight', { provider: 'openai' }) === 0);
      const u = FAKE_USAGE.chat;
      const cached = u.prompt_tokens_details.cached_tokens;
      expect({
        ok: sample(text, 'coder_aibridge_interceptions_total', { provider: 'openai', model, status: '200' }),
        failed: sample(text, 'coder_aibridge_interceptions_total', { provider: 'openai', model, status: '500' }),
        input: sample(text, 'coder_aibridge_tokens_total', { provider: 'openai', model, type: 'input' }),
        output: sample(text, 'coder_aibridge_tokens_total', { provider: 'openai', model, type: 'output' }),
        cacheRead: sample(text, 'coder_aibridge_tokens_total', { provider: 'openai', model, type: 'cache_read' }),
        inflight: sample(text, 'coder_aibridge_interceptions_inflight', { provider: 'openai' }),
        durations: (sample(text, 'coder_aibridge_interceptions_duration_seconds_count', { provider: 'openai', status: '200' }) ?? 0) - durationBefore,
      }).toEqual({
        ok: 3,
        failed: 1,
        input: 3 * (u.prompt_tokens - cached),
        output: 3 * u.completion_tokens,
        cacheRead: 3 * cached,
        inflight: 0,
        durations: 3,
      });
    });

    it('anything but GET /metrics is 404', async () => {
      const res = await fetch(`${metricsUrl}/other`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('Not found. Metrics are at /metrics.\n');
    });

    it('recording survives the database refusing writes: failures are counted, and every row lands exactly once after', async () => {
      await flush(main);
      const failuresBefore = sample(await scrape(), 'coder_aibridge_recording_failures_total') ?? 0;
      const models = ['gpt-db-down', 'claude-db-down'];
      await main.sql('ALTER TABLE aibridge_token_usages RENAME TO aibridge_token_usages_off');
      let failures: number | undefined;
      try {
        const client = openai(main, owner.token);
        for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: models[0], messages: [{ role: 'user', content: `q${i}` }] });
        for await (const chunk of await client.chat.completions.create({ model: models[0], messages: USER, stream: true })) void chunk;
        await anthropic(main, owner.token).messages.create({ model: models[1], max_tokens: 16, messages: USER });
        failures = await until(
          async () => sample(await scrape(), 'coder_aibridge_recording_failures_total') ?? 0,
          (n) => n > failuresBefore,
          5000,
        );
      } finally {
        await main.sql('ALTER TABLE aibridge_token_usages_off RENAME TO aibridge_token_usages');
      }
      expect(failures).toBeGreaterThan(failuresBefore);

      const rows = await recorded(main, models);
      expect(rows.map((r) => [r.model, r.ended_at !== null, r.metadata.upstream_status, r.usages, r.prompts])).toEqual([
        [models[0], true, 200, 1, 1],
        [models[0], true, 200, 1, 1],
        [models[0], true, 200, 1, 1],
        [models[0], true, 200, 1, 1],
        [models[1], true, 200, 1, 1],
      ]);
      expect(main.app.get(InterceptionRecorder, { strict: false }).pending()).toBe(0);
    });
  });

  describe('retention', () => {
    const purge = (server: TestServer) => server.app.get(RetentionService, { strict: false }).purge();

    it('deletes interceptions older than 60 days with their rows, keeps fresh ones, returns how many went', async () => {
      const others = (await main.sql<{ n: number }>(`SELECT count(*)::int AS n FROM aibridge_interceptions WHERE api_key_id <> 'seeded'`))[0].n;
      const old = await seedInterceptions(main, owner.id, 'seed-old', 3, '61 days');
      const fresh = [...(await seedInterceptions(main, owner.id, 'seed-fresh', 2, '59 days')), ...(await seedInterceptions(main, owner.id, 'seed-new', 1, '0 days'))];
      expect(await remaining(main, old)).toEqual({ interceptions: 3, usages: 3, prompts: 3, tools: 3 });

      expect(await purge(main)).toBe(3);
      expect(await remaining(main, old)).toEqual({ interceptions: 0, usages: 0, prompts: 0, tools: 0 });
      expect(await remaining(main, fresh)).toEqual({ interceptions: 3, usages: 3, prompts: 3, tools: 3 });
      expect((await main.sql<{ n: number }>(`SELECT count(*)::int AS n FROM aibridge_interceptions WHERE api_key_id <> 'seeded'`))[0].n).toBe(others);
      expect(await purge(main)).toBe(0);
    });

    it('deletes more than one batch (2,500 old rows)', async () => {
      const old = await seedInterceptions(main, owner.id, 'seed-bulk', 2500, '61 days');
      expect(await purge(main)).toBe(2500);
      expect(await remaining(main, old)).toEqual({ interceptions: 0, usages: 0, prompts: 0, tools: 0 });
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // Servers whose configuration differs.

  describe('CODER_AIBRIDGE_MAX_CONCURRENCY=1 (with CODER_AIBRIDGE_RATE_LIMIT=2)', () => {
    let server: TestServer;
    let o: FirstUser;
    let m: TestUser;
    beforeAll(async () => {
      ({ server, owner: o, member: m } = await startBridge(await bridgeEnv(fake, { CODER_AIBRIDGE_MAX_CONCURRENCY: '1', CODER_AIBRIDGE_RATE_LIMIT: '2' })));
    });
    afterAll(() => server?.close());

    it('one request in flight: the next is 503 whoever sends it (capacity before rate and auth); admitted again after', async () => {
      fake.slowNext({ chunks: 5, intervalMs: 150 });
      const held = await gateway(server, '/openai/v1/chat/completions', o.token, chat('gpt-held', true));
      expect(held.status).toBe(200);
      const reader = held.body!.getReader();
      expect((await reader.read()).done).toBe(false);

      const refused: Array<{ who: string; status: number; body: unknown }> = [];
      const attempt = async (who: string, token: string | undefined) => refused.push({ who, ...(await json(await gateway(server, '/openai/v1/chat/completions', token, chat('gpt-refused')))) });
      await attempt('owner', o.token);
      await attempt('invalid token', BAD_TOKEN);
      await attempt('no token', undefined);
      // Five in a row from one token: RATE_LIMIT=2 would answer 429 by the third if rate came first.
      for (let i = 0; i < 5; i++) await attempt('member', m.token);
      expect(refused).toEqual(refused.map(({ who }) => ({ who, status: 503, body: AT_CAPACITY })));
      expect(fake.requests).toHaveLength(1);

      expect(await drain(reader)).toContain('chunk 5');
      // Refusals for capacity did not count against the member's rate.
      const after = await gateway(server, '/openai/v1/chat/completions', m.token, chat('gpt-after-capacity'));
      expect(after.status).toBe(200);
      await after.arrayBuffer();
      expect((await gateway(server, '/openai/v1/models', o.token)).status).toBe(200);
    });
  });

  describe('CODER_AIBRIDGE_RATE_LIMIT=2', () => {
    let server: TestServer;
    let o: FirstUser;
    let m: TestUser;
    beforeAll(async () => {
      ({ server, owner: o, member: m } = await startBridge(await bridgeEnv(fake, { CODER_AIBRIDGE_RATE_LIMIT: '2' })));
    });
    afterAll(() => server?.close());

    const burst = (token: string, n = 6) =>
      Promise.all(
        Array.from({ length: n }, async () => {
          const res = await gateway(server, '/openai/v1/chat/completions', token, chat('gpt-burst'));
          return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
        }),
      );

    it('six at once from one token: at most two per one-second window pass, the rest are 429 with Retry-After: 1; another token is not affected', async () => {
      const results = await burst(o.token);
      const ok = results.filter((r) => r.status === 200);
      const limited = results.filter((r) => r.status !== 200);
      expect(limited).toEqual(limited.map(() => ({ status: 429, retryAfter: '1', body: RATE_LIMITED })));
      expect(ok.length).toBeGreaterThanOrEqual(2);
      expect(ok.length).toBeLessThanOrEqual(4);
      expect(fake.requestsTo('/v1/chat/completions')).toHaveLength(ok.length);

      const other = await gateway(server, '/openai/v1/chat/completions', m.token, chat('gpt-other-token'));
      expect(other.status).toBe(200);
      await other.arrayBuffer();
    });

    it('the rate limit applies before authentication: an invalid token over the limit gets 429, under it 401', async () => {
      const results = await burst(BAD_TOKEN);
      const limited = results.filter((r) => r.status === 429);
      const unauthorized = results.filter((r) => r.status === 401);
      expect(limited.length + unauthorized.length).toBe(6);
      expect(limited.length).toBeGreaterThanOrEqual(2);
      expect(unauthorized.length).toBeGreaterThanOrEqual(2);
      expect(limited).toEqual(limited.map(() => ({ status: 429, retryAfter: '1', body: RATE_LIMITED })));
      expect(fake.requests).toEqual([]);
    });
  });

  describe('feature gate', () => {
    const GATED: Array<[method: 'GET' | 'POST' | 'DELETE', path: string]> = [
      ['POST', '/openai/v1/chat/completions'],
      ['POST', '/openai/v1/responses'],
      ['POST', '/anthropic/v1/messages'],
      ['POST', '/anthropic/v1/messages/count_tokens'],
      ['GET', '/openai/v1/models'],
      ['GET', '/anthropic/v1/models'],
      ['POST', '/openai/v1/completions'],
      ['GET', '/interceptions'],
      ['GET', '/coderd-keys'],
      ['POST', '/coderd-keys'],
      ['DELETE', '/coderd-keys/00000000-0000-4000-8000-000000000000'],
      ['GET', '/coderd-keys/me'],
    ];

    async function gatedAnswers(server: TestServer, token: string) {
      const out = [];
      for (const [method, path] of GATED) {
        const body = method === 'POST' ? JSON.stringify(path.startsWith('/coderd-keys') ? { name: 'k' } : { model: CLAUDE, max_tokens: 8, messages: USER }) : undefined;
        const res = await fetch(`${server.url}${ROOT}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'coder-session-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
          body,
        });
        out.push({ route: `${method} ${path}`, status: res.status, body: await res.json() });
      }
      return out;
    }

    it('no license: every gateway and management route is 403 Premium; nothing reaches the provider', async () => {
      const { server, owner: o } = await startBridge(await bridgeEnv(fake), null);
      try {
        const answers = await gatedAnswers(server, o.token);
        expect(answers).toEqual(GATED.map(([method, path]) => ({ route: `${method} ${path}`, status: 403, body: { message: PREMIUM } })));
        expect(fake.requests).toEqual([]);
      } finally {
        await server.close();
      }
    });

    it('licensed but CODER_AIBRIDGE_ENABLED unset: 403 saying it is not enabled; nothing reaches the provider', async () => {
      const env = await bridgeEnv(fake);
      delete env.CODER_AIBRIDGE_ENABLED;
      const { server, owner: o } = await startBridge(env);
      try {
        const answers = await gatedAnswers(server, o.token);
        expect(answers).toEqual(GATED.map(([method, path]) => ({ route: `${method} ${path}`, status: 403, body: { message: PREMIUM, detail: NOT_ENABLED } })));
        expect(fake.requests).toEqual([]);
      } finally {
        await server.close();
      }
    });
  });

  describe('Express adapter (CODER_HTTP_ADAPTER=express; CODER_AIBRIDGE_RETENTION=0)', () => {
    let server: TestServer;
    let o: FirstUser;
    beforeAll(async () => {
      ({ server, owner: o } = await startBridge(await bridgeEnv(fake, { CODER_HTTP_ADAPTER: 'express', CODER_AIBRIDGE_RETENTION: '0' })));
      expect(server.app.getHttpAdapter().getType()).toBe('express');
    });
    afterAll(() => server?.close());

    /** Blocking then streaming chat through the SDK; what was recorded, without ids and times. */
    async function chatAndRecord(s: TestServer, token: string) {
      const model = 'gpt-adapter';
      const client = openai(s, token);
      const blocking = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'blocking question' }] });
      let streamed = '';
      for await (const chunk of await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'streaming question' }], stream: true })) {
        streamed += chunk.choices[0]?.delta?.content ?? '';
      }
      await flush(s);
      const rows = await s.sql<{ id: string; metadata: Record<string, unknown> }>(
        `SELECT id, provider, provider_name, model, client, user_agent, metadata, ended_at IS NOT NULL AND ended_at >= started_at AS ended
         FROM aibridge_interceptions WHERE model = $1 ORDER BY started_at, id`,
        [model],
      );
      const child = async (table: string, cols: string, id: string) => {
        const list = await s.sql<{ provider_response_id: string }>(`SELECT ${cols} FROM ${table} WHERE interception_id = $1 ORDER BY created_at, id`, [id]);
        return list.map((r) => ({ ...r, provider_response_id: r.provider_response_id.replace(/\d+$/, 'N') }));
      };
      const records = [];
      for (const { id, ...row } of rows) {
        records.push({
          ...row,
          usages: await child(
            'aibridge_token_usages',
            'provider_response_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, metadata',
            id,
          ),
          prompts: await child('aibridge_user_prompts', 'provider_response_id, prompt, metadata', id),
          tools: await child('aibridge_tool_usages', 'provider_response_id, provider_tool_call_id, tool, input, injected, server_url', id),
        });
      }
      return { answers: [blocking.choices[0].message.content, streamed], records };
    }

    it('blocking and streaming chat through the SDK are answered and recorded exactly as on Fastify', async () => {
      const onExpress = await chatAndRecord(server, o.token);
      const onFastify = await chatAndRecord(main, owner.token);
      expect(onExpress.answers).toEqual([FAKE_TEXT, FAKE_TEXT]);
      expect(onExpress.records).toHaveLength(2);
      expect(onExpress.records.map((r) => [r.metadata, r.usages.length, r.prompts.length])).toEqual([
        [{ stream: false, upstream_status: 200 }, 1, 1],
        [{ stream: true, upstream_status: 200 }, 1, 1],
      ]);
      expect(onExpress).toEqual(onFastify);
    });

    it.each([
      ['POST', '/openai/v1/completions'],
      ['GET', '/nope/v1/models'],
      ['DELETE', '/openai/v1/models'],
      ['GET', '/openai/v1/responses/resp_1/input_items'],
      ['GET', '/openai/v1/threads/thread_1/runs/run_1/steps'],
    ])('unknown route %s %s → 404 route not supported, on Express as on Fastify', async (method, path) => {
      const answers = [];
      for (const [adapter, s, token] of [['express', server, o.token], ['fastify', main, owner.token]] as const) {
        const res = await fetch(`${s.url}${ROOT}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
        answers.push({ adapter, status: res.status, body: await res.json() });
      }
      const want = { status: 404, body: { message: `route not supported: ${method} ${path}` } };
      expect(answers).toEqual([{ adapter: 'express', ...want }, { adapter: 'fastify', ...want }]);
      expect(fake.requests).toEqual([]);
    });

    it('X-Coder-Request-Id is on every gateway response (Express)', async () => {
      const ids = await requestIds(server, fake, o.token);
      for (const [kind, id] of Object.entries(ids)) expect({ kind, id }).toEqual({ kind, id: expect.stringMatching(UUID_RE) });
    });

    it('large bodies: 3 MiB is accepted by the gateway and refused (413) by a normal API route', async () => {
      await expectLargeBodies(server, fake, o.token);
    });

    it('CODER_AIBRIDGE_RETENTION=0 keeps everything: purge deletes nothing', async () => {
      const old = await seedInterceptions(server, o.id, 'seed-kept', 4, '400 days');
      expect(await server.app.get(RetentionService, { strict: false }).purge()).toBe(0);
      expect(await remaining(server, old)).toEqual({ interceptions: 4, usages: 4, prompts: 4, tools: 4 });
    });
  });

  describe('graceful shutdown', () => {
    let server: TestServer;
    let o: FirstUser;
    let closed = false;
    beforeAll(async () => {
      ({ server, owner: o } = await startBridge(await bridgeEnv(fake)));
    });
    afterAll(async () => {
      if (!closed) await server?.close();
    });

    it('closing right after requests (two still streaming) writes every record before the database goes away', async () => {
      const client = openai(server, o.token);
      await Promise.all([1, 2, 3].map((i) => client.chat.completions.create({ model: 'gpt-shutdown', messages: [{ role: 'user', content: `q${i}` }] })));
      fake.slowNext({ chunks: 3, intervalMs: 100 });
      fake.slowNext({ chunks: 3, intervalMs: 100 });
      const streams = [1, 2].map((i) =>
        gateway(server, '/openai/v1/chat/completions', o.token, { model: 'gpt-shutdown', messages: [{ role: 'user', content: `s${i}` }], stream: true }).then((r) =>
          r.text(),
        ),
      );
      expect(await until(() => fake.inFlight, (n) => n === 2)).toBe(2);

      closed = true;
      await server.close();
      for (const text of await Promise.all(streams)) expect(text.endsWith('data: [DONE]\n\n')).toBe(true);

      const db = new pg.Client({ connectionString: server.databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ ended: boolean; status: number; usages: number; prompts: number; prompt: string }>(
          `SELECT i.ended_at IS NOT NULL AS ended, (i.metadata->>'upstream_status')::int AS status,
             (SELECT count(*)::int FROM aibridge_token_usages c WHERE c.interception_id = i.id) AS usages,
             (SELECT count(*)::int FROM aibridge_user_prompts c WHERE c.interception_id = i.id) AS prompts,
             (SELECT min(prompt) FROM aibridge_user_prompts c WHERE c.interception_id = i.id) AS prompt
           FROM aibridge_interceptions i WHERE i.model = 'gpt-shutdown' ORDER BY prompt`,
        );
        expect(rows).toEqual(['q1', 'q2', 'q3', 's1', 's2'].map((prompt) => ({ ended: true, status: 200, usages: 1, prompts: 1, prompt })));
      } finally {
        await db.end();
      }
    });
  });
});
