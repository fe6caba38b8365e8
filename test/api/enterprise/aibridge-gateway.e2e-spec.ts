// AI Bridge data plane, driven by the official OpenAI and Anthropic SDKs against a fake provider that
// speaks their wire formats: what reaches the provider, what reaches the client, and exactly what
// is recorded (reference: ai-gateway-facts §1a, coder-api-facts §7).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import { InterceptionRecorder } from '#enterprise/aibridge/recording/recorder.service.js';
import { expectErrorBody } from '../../support/error-body.js';
import {
  FAKE_ANTHROPIC_KEY,
  FAKE_OPENAI_KEY,
  FAKE_TEXT,
  FAKE_TOOL_CALL,
  FAKE_USAGE,
  startFakeLlm,
  type FakeLlm,
} from '../../support/fake-llm.mjs';
import { bridgeEnv, startBridge } from '../../support/aibridge.js';
import { api, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import type { TestServer } from '../../support/test-server.js';

const keyId = (token: string) => token.split('-')[0];
const CHAT_MODEL = 'gpt-4.1-mini';
const CLAUDE = 'claude-sonnet-4-6';
const TOOLS_OPENAI = [{ type: 'function' as const, function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
const TOOLS_ANTHROPIC = [{ name: 'read_file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } }];

interface InterceptionRow {
  id: string;
  initiator_id: string;
  api_key_id: string;
  provider: string;
  provider_name: string;
  model: string;
  client: string;
  user_agent: string;
  metadata: Record<string, unknown>;
  started_at: Date;
  ended_at: Date | null;
}

interface Recorded {
  interception: InterceptionRow;
  usages: Array<{ provider_response_id: string; input_tokens: string; output_tokens: string; cache_read_input_tokens: string; cache_write_input_tokens: string; metadata: Record<string, number> }>;
  prompts: Array<{ provider_response_id: string; prompt: string }>;
  tools: Array<{ provider_response_id: string; provider_tool_call_id: string; tool: string; input: string; injected: boolean; server_url: string | null }>;
}

describe('AI Bridge gateway', () => {
  let fake: FakeLlm;
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    fake = await startFakeLlm();
    const env = await bridgeEnv(fake, {
      CODER_AIBRIDGE_PROVIDER_0_TYPE: 'anthropic',
      CODER_AIBRIDGE_PROVIDER_0_NAME: 'anthropic-corp',
      CODER_AIBRIDGE_PROVIDER_0_KEY: FAKE_ANTHROPIC_KEY,
      CODER_AIBRIDGE_PROVIDER_0_BASE_URL: fake.url,
    });
    ({ server, owner, member } = await startBridge(env, { aibridge: 1, ai_governance_user_limit: 10 }));
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const openai = (token: string) => new OpenAI({ apiKey: token, baseURL: `${server.url}/api/v2/aibridge/openai/v1`, maxRetries: 0, logLevel: 'off' });
  const anthropic = (token: string, provider = 'anthropic') =>
    new Anthropic({ apiKey: token, baseURL: `${server.url}/api/v2/aibridge/${provider}`, maxRetries: 0, logLevel: 'off' });

  /** Writes queued records now, then reads the newest interception and its children. */
  async function latest(): Promise<Recorded> {
    await server.app.get(InterceptionRecorder, { strict: false }).flush();
    const [interception] = await server.sql<InterceptionRow>('SELECT * FROM aibridge_interceptions ORDER BY started_at DESC, id DESC LIMIT 1');
    const by = (table: string) => server.sql(`SELECT * FROM ${table} WHERE interception_id = $1 ORDER BY created_at, id`, [interception.id]);
    return {
      interception,
      usages: (await by('aibridge_token_usages')) as Recorded['usages'],
      prompts: (await by('aibridge_user_prompts')) as Recorded['prompts'],
      tools: (await by('aibridge_tool_usages')) as Recorded['tools'],
    };
  }

  async function interceptionCount(): Promise<number> {
    await server.app.get(InterceptionRecorder, { strict: false }).flush();
    return (await server.sql<{ n: number }>('SELECT count(*)::int AS n FROM aibridge_interceptions'))[0].n;
  }

  /** The provider saw its central key and nothing of the caller's Coder token. */
  function expectProviderKeyOnly(kind: 'openai' | 'anthropic', token: string) {
    const req = fake.requests.at(-1)!;
    const headers = JSON.stringify(req.headers);
    expect(headers).not.toContain(token);
    expect(headers).not.toContain(keyId(token));
    if (kind === 'openai') expect(req.headers.authorization).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
    else {
      expect(req.headers['x-api-key']).toBe(FAKE_ANTHROPIC_KEY);
      expect(req.headers.authorization).toBeUndefined();
    }
    expect(req.headers['coder-session-token']).toBeUndefined();
  }

  describe('OpenAI chat completions', () => {
    it('blocking: the SDK gets the provider answer; usage is stored without the cached part, plus the prompt', async () => {
      const res = await openai(owner.token).chat.completions.create({
        model: CHAT_MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'an answer' },
          { role: 'user', content: [{ type: 'text', text: 'What is in' }, { type: 'text', text: 'README.md?' }] },
        ],
      });
      expect(res.choices[0].message.content).toBe(FAKE_TEXT);
      expectProviderKeyOnly('openai', owner.token);
      const r = await latest();
      expect(r.interception).toMatchObject({
        initiator_id: owner.id,
        api_key_id: keyId(owner.token),
        provider: 'openai',
        provider_name: 'openai',
        model: CHAT_MODEL,
        client: 'Unknown',
        metadata: { stream: false, upstream_status: 200 },
      });
      expect(r.interception.user_agent).toMatch(/^OpenAI\/JS /);
      expect(r.interception.ended_at!.getTime()).toBeGreaterThanOrEqual(r.interception.started_at.getTime());
      const cached = FAKE_USAGE.chat.prompt_tokens_details.cached_tokens;
      expect(r.usages).toEqual([
        expect.objectContaining({
          provider_response_id: res.id,
          input_tokens: String(FAKE_USAGE.chat.prompt_tokens - cached),
          output_tokens: String(FAKE_USAGE.chat.completion_tokens),
          cache_read_input_tokens: String(cached),
          cache_write_input_tokens: '0',
        }),
      ]);
      expect(r.prompts).toEqual([expect.objectContaining({ provider_response_id: res.id, prompt: 'What is in\nREADME.md?' })]);
      expect(r.tools).toEqual([]);
    });

    it('streaming: asks the provider for usage (include_usage) and records it from the final chunk', async () => {
      const stream = await openai(owner.token).chat.completions.create({
        model: CHAT_MODEL,
        stream: true,
        stream_options: { include_usage: false },
        messages: [{ role: 'user', content: 'stream please' }],
      });
      let text = '';
      let id = '';
      for await (const chunk of stream) {
        id ||= chunk.id;
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      expect(text).toBe(FAKE_TEXT);
      expect((fake.requests.at(-1)!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
      const r = await latest();
      expect(r.interception.metadata).toEqual({ stream: true, upstream_status: 200 });
      expect(r.usages).toEqual([
        expect.objectContaining({ provider_response_id: id, input_tokens: '100', output_tokens: '30', cache_read_input_tokens: '20', cache_write_input_tokens: '0' }),
      ]);
      expect(r.prompts.map((p) => p.prompt)).toEqual(['stream please']);
    });

    it.each([false, true])('tool calls are recorded (stream: %s)', async (stream) => {
      const client = openai(owner.token);
      const body = { model: CHAT_MODEL, messages: [{ role: 'user' as const, content: 'read it' }], tools: TOOLS_OPENAI };
      if (stream) {
        const s = await client.chat.completions.create({ ...body, stream: true });
        for await (const chunk of s) void chunk;
      } else {
        const res = await client.chat.completions.create(body);
        expect(res.choices[0].message.tool_calls?.[0]).toMatchObject({ id: FAKE_TOOL_CALL.callId, function: { name: 'read_file', arguments: FAKE_TOOL_CALL.arguments } });
      }
      const r = await latest();
      expect(r.tools).toEqual([
        expect.objectContaining({ provider_tool_call_id: FAKE_TOOL_CALL.callId, tool: 'read_file', input: FAKE_TOOL_CALL.arguments, injected: false, server_url: null }),
      ]);
      expect(r.usages).toHaveLength(1);
    });
  });

  describe('OpenAI responses', () => {
    it.each([false, true])('usage (input without cached, reasoning in metadata), prompt and tools (stream: %s)', async (stream) => {
      const client = openai(owner.token);
      const body = { model: CHAT_MODEL, input: 'summarise the repo', tools: [{ type: 'function' as const, name: 'read_file', parameters: {}, strict: false }] };
      let responseId: string;
      if (stream) {
        const s = client.responses.stream(body);
        const final = await s.finalResponse();
        responseId = final.id;
      } else {
        const res = await client.responses.create(body);
        responseId = res.id;
        expect(res.output.find((o) => o.type === 'function_call')).toMatchObject({ call_id: FAKE_TOOL_CALL.callId, name: 'read_file' });
      }
      const u = FAKE_USAGE.responses;
      const r = await latest();
      expect(r.interception).toMatchObject({ provider: 'openai', model: CHAT_MODEL, metadata: { stream, upstream_status: 200 } });
      expect(r.usages).toEqual([
        expect.objectContaining({
          provider_response_id: responseId,
          input_tokens: String(u.input_tokens - u.input_tokens_details.cached_tokens),
          output_tokens: String(u.output_tokens),
          cache_read_input_tokens: String(u.input_tokens_details.cached_tokens),
          cache_write_input_tokens: '0',
          metadata: { reasoning_tokens: u.output_tokens_details.reasoning_tokens },
        }),
      ]);
      expect(r.prompts.map((p) => [p.provider_response_id, p.prompt])).toEqual([[responseId, 'summarise the repo']]);
      expect(r.tools.map((t) => [t.provider_tool_call_id, t.tool, t.input])).toEqual([[FAKE_TOOL_CALL.callId, 'read_file', FAKE_TOOL_CALL.arguments]]);
    });
  });

  describe('Anthropic messages', () => {
    it.each([false, true])('usage keeps the last cumulative output count, cache read/write apart (stream: %s)', async (stream) => {
      const client = anthropic(owner.token);
      const body = {
        model: CLAUDE,
        max_tokens: 256,
        messages: [
          { role: 'user' as const, content: 'older' },
          { role: 'assistant' as const, content: 'ok' },
          { role: 'user' as const, content: [{ type: 'text' as const, text: 'newest question' }] },
        ],
      };
      let id: string;
      if (stream) {
        const final = await client.messages.stream(body).finalMessage();
        id = final.id;
        expect(final.usage.output_tokens).toBe(25);
      } else {
        const res = await client.messages.create(body);
        id = res.id;
        expect(res.content[0]).toMatchObject({ type: 'text', text: FAKE_TEXT });
      }
      expectProviderKeyOnly('anthropic', owner.token);
      const f = FAKE_USAGE.anthropic.final;
      const r = await latest();
      expect(r.interception).toMatchObject({ provider: 'anthropic', provider_name: 'anthropic', model: CLAUDE, metadata: { stream, upstream_status: 200 } });
      expect(r.usages).toEqual([
        expect.objectContaining({
          provider_response_id: id,
          input_tokens: String(f.input_tokens),
          output_tokens: '25',
          cache_read_input_tokens: String(f.cache_read_input_tokens),
          cache_write_input_tokens: String(f.cache_creation_input_tokens),
        }),
      ]);
      expect(r.prompts.map((p) => p.prompt)).toEqual(['newest question']);
    });

    it.each([false, true])('tool_use blocks are recorded with their JSON input (stream: %s)', async (stream) => {
      const client = anthropic(owner.token);
      const body = { model: CLAUDE, max_tokens: 256, messages: [{ role: 'user' as const, content: 'read it' }], tools: TOOLS_ANTHROPIC };
      if (stream) await client.messages.stream(body).finalMessage();
      else await client.messages.create(body);
      const r = await latest();
      expect(r.tools.map((t) => [t.provider_tool_call_id, t.tool, JSON.parse(t.input)])).toEqual([[FAKE_TOOL_CALL.anthropicId, 'read_file', FAKE_TOOL_CALL.input]]);
    });

    it('accepts the Coder token as X-Api-Key (Anthropic clients) and strips it', async () => {
      const res = await fetch(`${server.url}/api/v2/aibridge/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': member.token, 'anthropic-version': '2023-06-01', 'user-agent': 'claude-cli/2.0.14 (external, cli)' },
        body: JSON.stringify({ model: CLAUDE, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { content: Array<{ text: string }> }).content[0].text).toBe(FAKE_TEXT);
      expectProviderKeyOnly('anthropic', member.token);
      expect(fake.requests.at(-1)!.headers['anthropic-version']).toBe('2023-06-01');
      const r = await latest();
      expect(r.interception).toMatchObject({ initiator_id: member.id, api_key_id: keyId(member.token), client: 'Claude Code' });
    });

    it('a named provider has its own prefix and is recorded under its name', async () => {
      await anthropic(owner.token, 'anthropic-corp').messages.create({ model: CLAUDE, max_tokens: 16, messages: [{ role: 'user', content: 'corp' }] });
      const r = await latest();
      expect(r.interception).toMatchObject({ provider: 'anthropic', provider_name: 'anthropic-corp' });
    });
  });

  describe('passthrough routes', () => {
    it('models and count_tokens are forwarded with the provider key and not recorded', async () => {
      const before = await interceptionCount();
      const models = await openai(owner.token).models.list();
      expect(models.data.length).toBeGreaterThan(0);
      expectProviderKeyOnly('openai', owner.token);
      const claude = await anthropic(owner.token).models.list();
      expect(claude.data.length).toBeGreaterThan(0);
      expectProviderKeyOnly('anthropic', owner.token);
      const counted = await anthropic(owner.token).messages.countTokens({ model: CLAUDE, messages: [{ role: 'user', content: 'count me' }] });
      expect(counted.input_tokens).toBe(42);
      expect(fake.requests.at(-1)!.body).toEqual({ model: CLAUDE, messages: [{ role: 'user', content: 'count me' }] });
      expect(await interceptionCount()).toBe(before);
    });

    it('one model by id is passed through too', async () => {
      const model = await anthropic(owner.token).models.retrieve(CLAUDE);
      expect(model.id).toBe(CLAUDE);
      expect(fake.requests.at(-1)!.path).toBe(`/v1/models/${CLAUDE}`);
      expectProviderKeyOnly('anthropic', owner.token);
    });

    it('passes the query string through', async () => {
      const res = await fetch(`${server.url}/api/v2/aibridge/anthropic/v1/models?limit=5`, { headers: { 'x-api-key': owner.token } });
      expect(res.status).toBe(200);
      expect(fake.requests.at(-1)!.url).toBe('/v1/models?limit=5');
    });
  });

  describe('routes the gateway does not serve', () => {
    it.each([
      ['POST', '/openai/v1/completions'],
      ['POST', '/anthropic/v1/chat/completions'],
      ['POST', '/openai/v1/messages'],
      ['GET', '/nope/v1/models'],
      ['DELETE', '/openai/v1/models'],
      ['GET', '/openai'],
    ])('%s %s → 404 route not supported', async (method, path) => {
      const res = await api(server, owner.token)[method.toLowerCase() as 'get'](`/api/v2/aibridge${path}`);
      expectErrorBody(res, 404, `route not supported: ${method} ${path}`);
    });
  });

  describe('identity', () => {
    it('no token → 401 with Coder\'s body and WWW-Authenticate, nothing forwarded', async () => {
      const res = await fetch(`${server.url}/api/v2/aibridge/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: CHAT_MODEL, messages: [] }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="coder"/);
      expect(await res.json()).toEqual({
        message: 'You are signed out or your session has expired. Please sign in again to continue.',
        detail: 'Send your Coder token as "Authorization: Bearer <token>" or "X-Api-Key: <token>".',
      });
      expect(fake.requests).toEqual([]);
    });

    it('an invalid token is 401 (the SDK raises AuthenticationError); nothing forwarded', async () => {
      const err = await openai('AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBB')
        .chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(fake.requests).toEqual([]);
    });

    it('a suspended user is refused (401)', async () => {
      const user = await createUser(server, owner);
      expect((await api(server, owner.token).put(`/api/v2/users/${user.id}/status/suspend`)).status).toBe(200);
      const err = await anthropic(user.token)
        .messages.create({ model: CLAUDE, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(fake.requests).toEqual([]);
    });

    it('a token scoped away from AI Bridge is 403', async () => {
      const scoped = await api(server, owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'no-ai', scopes: ['workspace:read'] });
      const res = await fetch(`${server.url}/api/v2/aibridge/openai/v1/models`, { headers: { authorization: `Bearer ${scoped.body.key}` } });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Forbidden.', detail: 'This token may not use AI Bridge.' });
      expect(fake.requests).toEqual([]);
    });

    it('a token scoped to aibridge_interception:create uses the gateway and nothing else', async () => {
      const minted = await api(server, member.token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'agent-only', scopes: ['aibridge_interception:create'] });
      expect(minted.status).toBe(201);
      const res = await openai(minted.body.key).chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'agent' }] });
      expect(res.choices[0].message.content).toBe(FAKE_TEXT);
      const r = await latest();
      expect(r.interception).toMatchObject({ initiator_id: member.id, api_key_id: keyId(minted.body.key) });
      expectErrorBody(await api(server, minted.body.key).get('/api/v2/users/me'), 404);
    });

    it('a request body that is not a model request is 400, not forwarded', async () => {
      const res = await api(server).post('/api/v2/aibridge/openai/v1/chat/completions').set('authorization', `Bearer ${owner.token}`).send({ messages: [] });
      expectErrorBody(res, 400, 'Invalid request body.');
      expect(res.body.detail).toBe('The request body must name a "model".');
      expect(fake.requests).toEqual([]);
    });
  });

  describe('AI seats', () => {
    it('the first interception gives a seat; the AI governance limit counts active seats', async () => {
      const user = await createUser(server, owner);
      expect(await server.sql('SELECT 1 FROM ai_seat_state WHERE user_id = $1', [user.id])).toEqual([]);
      await openai(user.token).chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'hi' }] });
      await server.app.get(InterceptionRecorder, { strict: false }).flush();
      const [seat] = await server.sql<{ first_used_at: Date; last_used_at: Date; last_event_type: string }>('SELECT * FROM ai_seat_state WHERE user_id = $1', [
        user.id,
      ]);
      expect(seat.last_event_type).toBe('aibridge');
      expect(seat.last_used_at.getTime()).toBe(seat.first_used_at.getTime());

      const seats = (await server.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM ai_seat_state s JOIN users u ON u.id = s.user_id WHERE u.status = 'active' AND NOT u.deleted`,
      ))[0].n;
      expect((await api(server, owner.token).post('/api/v2/licenses/refresh-entitlements')).status).toBe(200);
      const ent = await api(server, owner.token).get('/api/v2/entitlements');
      expect(ent.body.features.ai_governance_user_limit).toMatchObject({ entitlement: 'entitled', limit: 10, actual: seats });
      expect(seats).toBeGreaterThanOrEqual(2);
    });
  });
});
