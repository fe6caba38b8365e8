// GET /api/v2/aibridge/interceptions (enterprise, feature aibridge): Coder's list of what AI Bridge
// recorded. Filters (q), limit/offset/after_id, count vs page, children, RBAC and the license gate.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AIBridgeInterception, AIBridgeToolUsage, AIBridgeTokenUsage, AIBridgeUserPrompt } from '#sdk/aibridge.js';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const PATH = '/api/v2/aibridge/interceptions';
const PREMIUM = 'AI Bridge is a Premium feature. Contact sales!';
const INVALID_Q = 'Invalid interception search query.';
const INVALID_PARAMS = 'Query parameters have invalid values.';
/** The main data set lies in January 2025; the paging sets lie in 2024. */
const JANUARY = 'started_after:2025-01-01T00:00:00Z started_before:2025-01-31T23:59:59Z';

type Who = FirstUser | TestUser;

interface Seed {
  id: string;
  initiator: Who;
  provider: string;
  providerName: string;
  model: string;
  client: string;
  /** Microsecond RFC 3339 in UTC, exactly as the API writes timestamps. */
  startedAt: string;
  endedAt: string | null;
  apiKeyId: string | null;
  metadata: Record<string, unknown>;
}

interface Children {
  token_usages: AIBridgeTokenUsage[];
  user_prompts: AIBridgeUserPrompt[];
  tool_usages: AIBridgeToolUsage[];
}

const NO_CHILDREN: Children = { token_usages: [], user_prompts: [], tool_usages: [] };
const uuid = (n: number) => `a0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

async function startServer(env: Record<string, string> = { CODER_AIBRIDGE_ENABLED: 'true' }): Promise<TestServer> {
  return startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), ...env } });
}

async function license(server: TestServer, owner: FirstUser, features: Record<string, number>): Promise<void> {
  const res = await uploadLicense(server, owner.token, await validLicense(features));
  if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
}

describe('AI Bridge interceptions', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let auditor: TestUser;
  let pager: TestUser;
  let bulk: TestUser;
  /** Display fields of each user, as set below. */
  const profile = new Map<string, { name: string; avatar_url: string }>();
  const seeds: Seed[] = [];
  /** Children per interception id, in (created_at, id) order. */
  const children = new Map<string, Children>();
  /** The pager's interceptions in the API's order (started_at DESC, id DESC). */
  let pagerOrder: string[];

  const as = (u: Who) => api(server, u.token);
  const list = (u: Who, query: Record<string, string | number> = {}) => as(u).get(PATH).query(query);

  function expected(s: Seed): AIBridgeInterception {
    return {
      id: s.id,
      api_key_id: s.apiKeyId,
      initiator: { id: s.initiator.id, username: s.initiator.username, ...profile.get(s.initiator.id)! },
      provider: s.provider,
      provider_name: s.providerName,
      model: s.model,
      client: s.client,
      metadata: s.metadata,
      started_at: s.startedAt,
      ended_at: s.endedAt,
      ...(children.get(s.id) ?? NO_CHILDREN),
    };
  }
  const main = (...n: number[]) => n.map((i) => expected(seeds.find((s) => s.id === uuid(i))!));

  async function insert(s: Seed): Promise<void> {
    await server.sql(
      `INSERT INTO aibridge_interceptions (id, initiator_id, api_key_id, provider, provider_name, model, client, metadata, started_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [s.id, s.initiator.id, s.apiKeyId, s.provider, s.providerName, s.model, s.client, JSON.stringify(s.metadata), s.startedAt, s.endedAt],
    );
    seeds.push(s);
  }

  function addChild<K extends keyof Children>(interceptionId: string, kind: K, item: Children[K][number]): void {
    const c = children.get(interceptionId) ?? { token_usages: [], user_prompts: [], tool_usages: [] };
    (c[kind] as Children[K][number][]).push(item);
    children.set(interceptionId, c);
  }

  async function tokenUsage(u: AIBridgeTokenUsage): Promise<void> {
    await server.sql(
      `INSERT INTO aibridge_token_usages (id, interception_id, provider_response_id, input_tokens, output_tokens,
         cache_read_input_tokens, cache_write_input_tokens, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [u.id, u.interception_id, u.provider_response_id, u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_write_input_tokens, JSON.stringify(u.metadata), u.created_at],
    );
  }

  async function userPrompt(p: AIBridgeUserPrompt): Promise<void> {
    await server.sql(
      `INSERT INTO aibridge_user_prompts (id, interception_id, provider_response_id, prompt, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [p.id, p.interception_id, p.provider_response_id, p.prompt, JSON.stringify(p.metadata), p.created_at],
    );
  }

  async function toolUsage(t: AIBridgeToolUsage): Promise<void> {
    await server.sql(
      `INSERT INTO aibridge_tool_usages (id, interception_id, provider_response_id, server_url, tool, input, injected, invocation_error, metadata, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [t.id, t.interception_id, t.provider_response_id, t.server_url, t.tool, t.input, t.injected, t.invocation_error, JSON.stringify(t.metadata), t.created_at],
    );
  }

  beforeAll(async () => {
    server = await startServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner, { username: 'member' });
    auditor = await createUser(server, owner, { username: 'auditor', siteRoles: ['auditor'] });
    pager = await createUser(server, owner, { username: 'pager' });
    bulk = await createUser(server, owner, { username: 'bulk' });
    for (const [i, u] of [owner, member, auditor, pager, bulk].entries()) {
      const p = { name: `Name ${u.username}`, avatar_url: i % 2 ? `https://example.com/${u.username}.png` : '' };
      await server.sql('UPDATE users SET name = $2, avatar_url = $3 WHERE id = $1', [u.id, p.name, p.avatar_url]);
      profile.set(u.id, p);
    }
    await license(server, owner, { aibridge: 1 });

    // The main set: January 2025. 4 and 5 start at the same instant (ties are broken by id, descending).
    const base = { providerName: '', apiKeyId: null, metadata: {}, endedAt: null };
    await insert({ ...base, id: uuid(1), initiator: owner, provider: 'openai', providerName: 'openai-main', model: 'gpt-4o', client: 'Claude Code',
      startedAt: '2025-01-01T10:00:00.000000Z', endedAt: '2025-01-01T10:00:05.250000Z', apiKeyId: 'abcdef1234', metadata: { user_agent: 'claude-cli/1.0', n: 1 } });
    await insert({ ...base, id: uuid(2), initiator: member, provider: 'anthropic', model: 'claude-sonnet-4', client: 'Cursor', startedAt: '2025-01-02T10:00:00.000000Z' });
    await insert({ ...base, id: uuid(3), initiator: member, provider: 'openai', model: 'gpt-4o', client: 'Unknown',
      startedAt: '2025-01-03T10:00:00.000000Z', endedAt: '2025-01-03T10:01:00.000000Z' });
    await insert({ ...base, id: uuid(4), initiator: auditor, provider: 'anthropic', model: 'claude-sonnet-4', client: 'Claude Code',
      startedAt: '2025-01-04T10:00:00.000000Z', endedAt: '2025-01-04T10:00:01.000000Z' });
    await insert({ ...base, id: uuid(5), initiator: auditor, provider: 'anthropic', model: 'claude-haiku', client: 'Claude Code',
      startedAt: '2025-01-04T10:00:00.000000Z', endedAt: '2025-01-04T10:00:02.000000Z' });
    await insert({ ...base, id: uuid(6), initiator: owner, provider: 'openai', providerName: 'openai-eu', model: 'o1', client: 'Zed',
      startedAt: '2025-01-05T10:00:00.123456Z', endedAt: '2025-01-05T10:00:00.654321Z', metadata: { nested: { a: [1, 2] } } });

    // Children, inserted out of order: the API sorts them by (created_at, id).
    const t1b: AIBridgeTokenUsage = { id: uuid(0x102), interception_id: uuid(1), provider_response_id: 'chatcmpl-2', input_tokens: 9_007_199_254,
      output_tokens: 42, cache_read_input_tokens: 7, cache_write_input_tokens: 3, metadata: { reasoning: 5 }, created_at: '2025-01-01T10:00:03.000000Z' };
    const t1a: AIBridgeTokenUsage = { id: uuid(0x101), interception_id: uuid(1), provider_response_id: 'chatcmpl-1', input_tokens: 100,
      output_tokens: 20, cache_read_input_tokens: 0, cache_write_input_tokens: 0, metadata: {}, created_at: '2025-01-01T10:00:01.000000Z' };
    const t3: AIBridgeTokenUsage = { id: uuid(0x301), interception_id: uuid(3), provider_response_id: 'chatcmpl-3', input_tokens: 1,
      output_tokens: 2, cache_read_input_tokens: 0, cache_write_input_tokens: 0, metadata: {}, created_at: '2025-01-03T10:00:30.000000Z' };
    for (const t of [t1b, t1a, t3]) await tokenUsage(t);
    for (const t of [t1a, t1b, t3]) addChild(t.interception_id, 'token_usages', t);

    const p1: AIBridgeUserPrompt = { id: uuid(0x111), interception_id: uuid(1), provider_response_id: 'chatcmpl-1', prompt: 'Write a haiku about Postgres.',
      metadata: { role: 'user' }, created_at: '2025-01-01T10:00:00.500000Z' };
    // Two prompts at the same instant: ordered by id.
    const p2b: AIBridgeUserPrompt = { id: uuid(0x212), interception_id: uuid(2), provider_response_id: 'msg_1', prompt: 'second', metadata: {},
      created_at: '2025-01-02T10:00:01.000000Z' };
    const p2a: AIBridgeUserPrompt = { id: uuid(0x211), interception_id: uuid(2), provider_response_id: 'msg_1', prompt: 'first', metadata: {},
      created_at: '2025-01-02T10:00:01.000000Z' };
    for (const p of [p1, p2b, p2a]) await userPrompt(p);
    for (const p of [p1, p2a, p2b]) addChild(p.interception_id, 'user_prompts', p);

    const tool1: AIBridgeToolUsage = { id: uuid(0x121), interception_id: uuid(1), provider_response_id: 'chatcmpl-2', server_url: 'https://mcp.example.com/mcp',
      tool: 'bmcp_github_search', input: '{"q":"coder"}', injected: true, invocation_error: 'upstream timed out', metadata: { ms: 30000 },
      created_at: '2025-01-01T10:00:02.000000Z' };
    const tool5: AIBridgeToolUsage = { id: uuid(0x521), interception_id: uuid(5), provider_response_id: 'msg_5', server_url: null, tool: 'Read',
      input: '{"path":"README.md"}', injected: false, invocation_error: null, metadata: {}, created_at: '2025-01-04T10:00:01.000000Z' };
    for (const t of [tool1, tool5]) {
      await toolUsage(t);
      addChild(t.interception_id, 'tool_usages', t);
    }

    // The pager's 23 interceptions in 2024, in pairs that start at the same instant.
    const pagerSeeds = Array.from({ length: 23 }, (_, i) => ({
      id: randomUUID(),
      startedAt: new Date(Date.UTC(2024, 5, 1, 0, Math.floor(i / 2))).toISOString().replace('.000Z', '.000000Z'),
    }));
    for (const s of pagerSeeds) {
      await insert({ ...base, id: s.id, initiator: pager, provider: 'pager-provider', model: 'm', client: 'Zed', startedAt: s.startedAt });
    }
    pagerOrder = [...pagerSeeds].sort((a, b) => (a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1)).map((s) => s.id);

    // 105 interceptions of the bulk user, one second apart in March 2024.
    await server.sql(
      `INSERT INTO aibridge_interceptions (id, initiator_id, provider, model, client, started_at)
       SELECT gen_random_uuid(), $1, 'bulk-provider', 'm', 'Zed', timestamptz '2024-03-01T00:00:00Z' + make_interval(secs => g)
       FROM generate_series(1, 105) g`,
      [bulk.id],
    );
  });
  afterAll(() => server?.close());

  describe('listing and filters', () => {
    it('lists the matching interceptions newest first, ties by id descending, with their children', async () => {
      const res = await list(owner, { q: JANUARY });
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { count: 6, count_cap: 2000, results: main(6, 5, 4, 3, 2, 1) } });
    });

    it('writes exact values: nulls, microsecond timestamps, token counts as JSON numbers, metadata verbatim', async () => {
      const res = await list(owner, { q: `${JANUARY} initiator:me` });
      expect(res.status).toBe(200);
      const [i6, i1] = res.body.results;
      expect(i6).toEqual({
        id: uuid(6),
        api_key_id: null,
        initiator: { id: owner.id, username: 'owner', name: 'Name owner', avatar_url: '' },
        provider: 'openai',
        provider_name: 'openai-eu',
        model: 'o1',
        client: 'Zed',
        metadata: { nested: { a: [1, 2] } },
        started_at: '2025-01-05T10:00:00.123456Z',
        ended_at: '2025-01-05T10:00:00.654321Z',
        token_usages: [],
        user_prompts: [],
        tool_usages: [],
      });
      expect(i1.token_usages.map((t: AIBridgeTokenUsage) => [t.id, t.input_tokens, t.output_tokens])).toEqual([
        [uuid(0x101), 100, 20],
        [uuid(0x102), 9_007_199_254, 42],
      ]);
      expect(typeof i1.token_usages[1].input_tokens).toBe('number');
      expect(i1.tool_usages).toEqual([children.get(uuid(1))!.tool_usages[0]]);
      expect(i1.user_prompts).toEqual([children.get(uuid(1))!.user_prompts[0]]);
    });

    it('attaches every child to its own interception only', async () => {
      const res = await list(owner, { q: JANUARY });
      for (const r of res.body.results as AIBridgeInterception[]) {
        for (const c of [...r.token_usages, ...r.user_prompts, ...r.tool_usages]) expect(c.interception_id).toBe(r.id);
      }
      const byId = new Map((res.body.results as AIBridgeInterception[]).map((r) => [r.id, r]));
      expect(byId.get(uuid(2))!.user_prompts.map((p) => p.prompt)).toEqual(['first', 'second']);
      expect(byId.get(uuid(5))!.tool_usages).toEqual([expect.objectContaining({ server_url: null, invocation_error: null, injected: false })]);
      expect(byId.get(uuid(4))).toEqual(expect.objectContaining(NO_CHILDREN));
    });

    it.each<[string, string, number[]]>([
      ['initiator:me', 'initiator:me', [6, 1]],
      ['initiator by username', 'initiator:member', [3, 2]],
      ['initiator by username, any case', 'initiator:MEMBER', [3, 2]],
      ['a bare term is the initiator', 'auditor', [5, 4]],
      ['provider', 'provider:anthropic', [5, 4, 2]],
      ['model', 'model:gpt-4o', [3, 1]],
      ['client with a space (quoted)', 'client:"Claude Code"', [5, 4, 1]],
      ['client Unknown', 'client:Unknown', [3]],
      ['started_after is inclusive', 'started_after:2025-01-04T10:00:00Z', [6, 5, 4]],
      ['started_before is inclusive', 'started_before:2025-01-02T10:00:00Z started_after:2025-01-01T00:00:00Z', [2, 1]],
      ['started_after with an offset and microseconds', 'started_after:2025-01-05T11:00:00.123456+01:00', [6]],
      ['started_after one microsecond later excludes', 'started_after:2025-01-05T10:00:00.123457Z', []],
      ['provider and model', 'provider:openai model:gpt-4o', [3, 1]],
      ['initiator, provider and a window', 'member provider:openai started_after:2025-01-03T00:00:00Z started_before:2025-01-03T23:00:00Z', [3]],
      ['provider is case-sensitive', 'provider:OpenAI', []],
      ['nothing matches', 'model:gpt-5', []],
    ])('filters: %s', async (_name, q, expectedIds) => {
      const needsWindow = !/started_after/.test(q);
      const res = await list(owner, { q: needsWindow ? `${q} ${JANUARY}` : q });
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { count: expectedIds.length, count_cap: 2000, results: main(...expectedIds) } });
    });

    it('initiator by id, and by an id nobody has (empty, as Coder)', async () => {
      const byId = await list(owner, { q: `initiator:${member.id} ${JANUARY}` });
      expect(byId.body).toEqual({ count: 2, count_cap: 2000, results: main(3, 2) });
      const upper = await list(owner, { q: `initiator:${member.id.toUpperCase()} ${JANUARY}` });
      expect(upper.body).toEqual(byId.body);
      const nobody = await list(owner, { q: `initiator:${randomUUID()}` });
      expect({ status: nobody.status, body: nobody.body }).toEqual({ status: 200, body: { count: 0, count_cap: 2000, results: [] } });
    });

    it('an initiator username that does not exist is a 400 on q', async () => {
      const res = await list(owner, { q: 'initiator:ghost' });
      expectErrorBody(res, 400, INVALID_Q);
      expect(res.body).toEqual({
        message: INVALID_Q,
        validations: [{ field: 'q', detail: 'User "ghost" either does not exist, or you are not allowed to view them.' }],
      });
    });

    it.each<[string, string, string[]]>([
      ['unknown key', 'color:blue', ['"color" is not a valid query param; use one of initiator, provider, model, client, started_after, started_before.']],
      ['empty value', 'model:', ['Query element "model:" cannot start or end with \':\'.']],
      ['bad timestamp', 'started_after:2025-01-01', ['Query param "started_after" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "2025-01-01" is not.']],
      ['window the wrong way round', 'started_after:2025-02-01T00:00:00Z started_before:2025-01-01T00:00:00Z', ['Query param "started_before" must be after "started_after".']],
      ['repeated key', 'provider:a provider:b', ['Query param "provider" may be given only once (a bare term is the initiator); "provider:b" repeats it.']],
      ['not a user reference', 'initiator:bad_name!', ['Query param "initiator" must be a user id, a username or "me"; "bad_name!" is none of these.']],
    ])('a bad q is a 400 naming the problem: %s', async (_name, q, details) => {
      const res = await list(owner, { q });
      expectErrorBody(res, 400, INVALID_Q);
      expect(res.body).toEqual({ message: INVALID_Q, validations: details.map((detail) => ({ field: 'q', detail })) });
    });
  });

  describe('pagination', () => {
    it('limit defaults to 100 (also for limit=0) while count covers every match', async () => {
      for (const query of [{ q: 'initiator:bulk' }, { q: 'initiator:bulk', limit: 0 }] as Array<Record<string, string | number>>) {
        const res = await list(owner, query);
        expect(res.status).toBe(200);
        expect(res.body.count).toBe(105);
        expect(res.body.results).toHaveLength(100);
        const starts = (res.body.results as AIBridgeInterception[]).map((r) => r.started_at);
        expect(starts[0]).toBe('2024-03-01T00:01:45.000000Z');
        expect(starts[99]).toBe('2024-03-01T00:00:06.000000Z');
      }
    });

    it('limit up to 1000 is accepted; the last page holds the rest', async () => {
      const all = await list(owner, { q: 'initiator:bulk', limit: 1000 });
      expect(all.status).toBe(200);
      expect(all.body.count).toBe(105);
      expect(all.body.results).toHaveLength(105);
      const rest = await list(owner, { q: 'initiator:bulk', offset: 100 });
      expect(rest.body.count).toBe(105);
      expect(rest.body.results).toEqual(all.body.results.slice(100));
    });

    it('count stops at count_cap + 1 (2001: "more than 2000") on a large match and is exact below it', async () => {
      const many = await createUser(server, owner, { username: 'many' });
      // 2,500 interceptions one second apart from 2023-01-01T00:00:01Z.
      await server.sql(
        `INSERT INTO aibridge_interceptions (id, initiator_id, provider, model, client, started_at)
         SELECT gen_random_uuid(), $1, 'many-provider', 'm', 'Zed', timestamptz '2023-01-01T00:00:00Z' + make_interval(secs => g)
         FROM generate_series(1, 2500) g`,
        [many.id],
      );
      try {
        const capped = await list(owner, { q: 'initiator:many' });
        expect({ count: capped.body.count, count_cap: capped.body.count_cap, page: capped.body.results.length }).toEqual({ count: 2001, count_cap: 2000, page: 100 });
        const exact = await list(owner, { q: 'initiator:many started_before:"2023-01-01T00:25:00Z"', limit: 1 });
        expect({ count: exact.body.count, count_cap: exact.body.count_cap }).toEqual({ count: 1500, count_cap: 2000 });
        const last = await list(owner, { q: 'initiator:many', offset: 2450 });
        expect(last.body.results).toHaveLength(50);
      } finally {
        await server.sql('DELETE FROM aibridge_interceptions WHERE initiator_id = $1', [many.id]);
      }
    });

    it.each([['1001'], ['5000']])('limit %s is over the maximum: 400', async (limit) => {
      const res = await list(owner, { limit });
      expectErrorBody(res, 400, INVALID_PARAMS);
      expect(res.body).toEqual({ message: INVALID_PARAMS, validations: [{ field: 'limit', detail: 'Pagination limit must be in range (0, 1000].' }] });
    });

    it.each([['-1'], ['ten']])('limit %s is not a count: 400', async (limit) => {
      const res = await list(owner, { limit });
      expect(res.body).toEqual({ message: INVALID_PARAMS, validations: [{ field: 'limit', detail: 'Query param "limit" must be a non-negative integer.' }] });
      expect(res.status).toBe(400);
    });

    it('count is of all matches while the page follows limit and offset', async () => {
      const first = await list(owner, { q: JANUARY, limit: 2 });
      expect(first.body).toEqual({ count: 6, count_cap: 2000, results: main(6, 5) });
      const second = await list(owner, { q: JANUARY, limit: 2, offset: 2 });
      expect(second.body).toEqual({ count: 6, count_cap: 2000, results: main(4, 3) });
      const past = await list(owner, { q: JANUARY, offset: 6 });
      expect(past.body).toEqual({ count: 6, count_cap: 2000, results: [] });
    });

    it('after_id pages through every row without gaps or repeats, ties included', async () => {
      const seen: string[] = [];
      let afterId: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const res = await list(owner, { q: 'initiator:pager', limit: 4, ...(afterId ? { after_id: afterId } : {}) });
        expect(res.status).toBe(200);
        expect(res.body.count).toBe(23);
        const ids = (res.body.results as AIBridgeInterception[]).map((r) => r.id);
        if (ids.length === 0) break;
        seen.push(...ids);
        afterId = ids[ids.length - 1];
      }
      expect(seen).toEqual(pagerOrder);
    });

    it('after_id continues strictly after that row, whatever filter narrowed the first page', async () => {
      const res = await list(owner, { q: JANUARY, after_id: uuid(5) });
      expect(res.body).toEqual({ count: 6, count_cap: 2000, results: main(4, 3, 2, 1) });
      const last = await list(owner, { q: JANUARY, after_id: uuid(1) });
      expect(last.body).toEqual({ count: 6, count_cap: 2000, results: [] });
    });

    it('after_id and offset together: 400', async () => {
      const res = await list(owner, { after_id: uuid(1), offset: 1 });
      expectErrorBody(res, 400);
      expect(res.body).toEqual({ message: 'Cannot use both after_id and offset pagination in the same request.' });
    });

    it('an after_id that does not exist: 400 on after_id', async () => {
      const ghost = randomUUID();
      const res = await list(owner, { after_id: ghost });
      expectErrorBody(res, 400, INVALID_PARAMS);
      expect(res.body).toEqual({
        message: INVALID_PARAMS,
        validations: [{ field: 'after_id', detail: `Interception "${ghost}" either does not exist, or you are not allowed to view it.` }],
      });
    });

    it('an after_id that is not a UUID: 400 on after_id', async () => {
      const res = await list(owner, { after_id: 'nope' });
      expect(res.body).toEqual({ message: INVALID_PARAMS, validations: [{ field: 'after_id', detail: 'Query param "after_id" must be a valid UUID.' }] });
      expect(res.status).toBe(400);
    });
  });

  describe('authorization', () => {
    it('the owner sees every interception', async () => {
      const res = await list(owner, { limit: 1000 });
      expect(res.body.count).toBe(6 + 23 + 105);
      expect(res.body.results).toHaveLength(6 + 23 + 105);
    });

    it('an auditor sees every interception, exactly as the owner does', async () => {
      const [a, o] = await Promise.all([list(auditor, { limit: 1000 }), list(owner, { limit: 1000 })]);
      expect(a.status).toBe(200);
      expect(a.body).toEqual(o.body);
      const january = await list(auditor, { q: JANUARY });
      expect(january.body).toEqual({ count: 6, count_cap: 2000, results: main(6, 5, 4, 3, 2, 1) });
    });

    it('a member sees nothing, not even their own', async () => {
      for (const query of [{}, { q: 'initiator:me' }, { q: `initiator:${member.id}` }, { q: JANUARY }, { limit: 1000 }] as Array<Record<string, string | number>>) {
        const res = await list(member, query);
        expect({ query, status: res.status, body: res.body }).toEqual({ query, status: 200, body: { count: 0, count_cap: 2000, results: [] } });
      }
    });

    it('a member may not page after an interception they cannot see: 400 on after_id', async () => {
      const res = await list(member, { after_id: uuid(2) });
      expect(res.status).toBe(400);
      expect(res.body.validations).toEqual([{ field: 'after_id', detail: `Interception "${uuid(2)}" either does not exist, or you are not allowed to view it.` }]);
    });

    it('anonymous: 401', async () => {
      expectErrorBody(await api(server).get(PATH), 401);
    });
  });
});

describe('AI Bridge interceptions: the license gate', () => {
  let server: TestServer | undefined;
  afterAll(() => server?.close());

  it('unlicensed: 403 with the premium message; a license with aibridge opens the route', async () => {
    server = await startServer();
    const owner = await createFirstUser(server);
    const before = await api(server, owner.token).get(PATH);
    expectErrorBody(before, 403, PREMIUM);
    expect(before.body).toEqual({ message: PREMIUM });
    // Another feature does not open it.
    await license(server, owner, { template_rbac: 1 });
    expect((await api(server, owner.token).get(PATH)).body).toEqual({ message: PREMIUM });
    await license(server, owner, { aibridge: 1 });
    const after = await api(server, owner.token).get(PATH);
    expect({ status: after.status, body: after.body }).toEqual({ status: 200, body: { count: 0, count_cap: 2000, results: [] } });
  });

  it('licensed but AI Bridge not enabled on the deployment: 403 saying so', async () => {
    const off = await startServer({});
    try {
      const owner = await createFirstUser(off);
      await license(off, owner, { aibridge: 1 });
      const res = await api(off, owner.token).get(PATH);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 403,
        body: { message: PREMIUM, detail: 'The license entitles this feature, but it is not enabled on this deployment.' },
      });
    } finally {
      await off.close();
    }
  });
});
