// AI spend (enterprise, feature aibridge): a user's budget and spend in the current period, a group's
// members' (also template_rbac), and the CSV export of an organization's token usage. Budgets, spend
// totals and usage are seeded with SQL; the period is CODER_AIBRIDGE_BUDGET_PERIOD=day.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { GroupAISpendMember, GroupAISpendStatus, UserAISpendStatus } from '#sdk/aibridge.js';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

type Who = FirstUser | TestUser;

const PREMIUM_AIBRIDGE = 'AI Bridge is a Premium feature. Contact sales!';
const PREMIUM_TEMPLATE_RBAC = 'Template RBAC is a Premium feature. Contact sales!';
const NOT_FOUND = 'Resource not found or you do not have access to this resource';
const INVALID_PARAMS = 'Query parameters have invalid values.';
const HEADER = 'interception_id,started_at,user_id,username,provider,provider_name,model,input_tokens,output_tokens,' +
  'cache_read_input_tokens,cache_write_input_tokens,cost_micros,priced,effective_group_id\r\n';
const DAY_MS = 86_400_000;

const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const rfc = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
/** The current UTC day as the API writes it (period day). */
function today(): { period_start: string; period_end: string } {
  const now = new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { period_start: rfc(start), period_end: rfc(start + DAY_MS) };
}

async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({
    env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_AIBRIDGE_ENABLED: 'true', CODER_AIBRIDGE_BUDGET_PERIOD: 'day', ...env },
  });
}

async function license(server: TestServer, owner: FirstUser, features: Record<string, number>): Promise<void> {
  const res = await uploadLicense(server, owner.token, await validLicense(features));
  if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The CSV body (superagent buffers text/* responses as text). */
const csvText = (res: Response): string => {
  if (typeof res.text !== 'string') throw new Error(`no text body: ${res.status}`);
  return res.text;
};

describe('AI spend', () => {
  let server: TestServer;
  let owner: FirstUser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let auditor: TestUser;
  let orgAdmin: TestUser;
  let outsider: TestUser;
  let alpha: string;
  let beta: string;
  let gamma: string;

  const as = (u: Who) => api(server, u.token);
  const userSpend = (u: Who, who: string) => as(u).get(`/api/v2/users/${who}/ai/spend`);
  const groupSpend = (u: Who, group: string) => as(u).get(`/api/v2/groups/${group}/ai/spend`);
  const exportCsv = (u: Who, query: Record<string, string>, org = owner.orgId) =>
    as(u).get(`/api/v2/organizations/${org}/ai/spend/export`).query(query);

  async function createGroup(name: string, members: Who[]): Promise<string> {
    const created = await as(owner).post(`/api/v2/organizations/${owner.orgId}/groups`).send({ name });
    if (created.status !== 201) throw new Error(`create group: ${created.status} ${JSON.stringify(created.body)}`);
    const patched = await as(owner).patch(`/api/v2/groups/${created.body.id}`).send({ add_users: members.map((m) => m.id) });
    if (patched.status !== 200) throw new Error(`add members: ${patched.status} ${JSON.stringify(patched.body)}`);
    return created.body.id;
  }
  const groupBudget = (groupId: string, micros: number) =>
    server.sql(
      `INSERT INTO group_ai_budgets (group_id, spend_limit_micros) VALUES ($1, $2)
       ON CONFLICT (group_id) DO UPDATE SET spend_limit_micros = EXCLUDED.spend_limit_micros`,
      [groupId, micros],
    );
  const override = (u: Who, groupId: string, micros: number) =>
    server.sql('INSERT INTO user_ai_budget_overrides (user_id, group_id, spend_limit_micros) VALUES ($1, $2, $3)', [u.id, groupId, micros]);
  const spendTotal = (u: Who, periodStart: string, micros: number) =>
    server.sql('INSERT INTO ai_spend_totals (user_id, period_start, spend_micros) VALUES ($1, $2, $3)', [u.id, periodStart, micros]);

  beforeAll(async () => {
    server = await startServer();
    owner = await createFirstUser(server);
    alice = await createUser(server, owner, { username: 'alice' });
    bob = await createUser(server, owner, { username: 'bob' });
    carol = await createUser(server, owner, { username: 'carol' });
    dave = await createUser(server, owner, { username: 'dave' });
    auditor = await createUser(server, owner, { username: 'auditor', siteRoles: ['auditor'] });
    orgAdmin = await createUser(server, owner, { username: 'orgadmin', orgRoles: ['organization-admin'] });
    outsider = await createUser(server, owner, { username: 'outsider' });
    await license(server, owner, { aibridge: 1, template_rbac: 1 });

    alpha = await createGroup('alpha', [alice, bob, carol]);
    beta = await createGroup('beta', [bob, carol]);
    gamma = await createGroup('gamma', [dave]);
    await groupBudget(alpha, 5_000_000);
    await groupBudget(beta, 9_000_000);
    // Lower than beta, yet carol's override on alpha wins.
    await override(carol, alpha, 100);

    const { period_start } = today();
    const yesterday = rfc(Date.parse(period_start) - DAY_MS);
    await spendTotal(alice, period_start, 1_234_567);
    await spendTotal(alice, yesterday, 999_999);
    await spendTotal(bob, period_start, 42);
    await spendTotal(dave, yesterday, 7);
    // The outsider used to be a member: their usage is not the organization's any more.
    await server.sql('DELETE FROM organization_members WHERE user_id = $1', [outsider.id]);
  });
  afterAll(() => server?.close());

  describe('GET /api/v2/users/{user}/ai/spend', () => {
    it('no budget: unlimited, with the spend of the current day only', async () => {
      const res = await userSpend(owner, dave.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user_id: dave.id, effective_group_id: null, effective_budget: null, current_spend_micros: 0, ...today() });
    });

    it('a group budget, and only the current period counts', async () => {
      const res = await userSpend(owner, alice.username);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        user_id: alice.id,
        effective_group_id: alpha,
        effective_budget: { spend_limit_micros: 5_000_000, limit_source: 'group' },
        current_spend_micros: 1_234_567,
        ...today(),
      });
    });

    it('the highest budget among the user\'s groups wins', async () => {
      const res = await userSpend(owner, bob.id);
      expect(res.body).toEqual({
        user_id: bob.id,
        effective_group_id: beta,
        effective_budget: { spend_limit_micros: 9_000_000, limit_source: 'group' },
        current_spend_micros: 42,
        ...today(),
      });
    });

    it('an override wins even when lower than the group budgets', async () => {
      const res = await userSpend(owner, carol.id);
      expect(res.body).toEqual({
        user_id: carol.id,
        effective_group_id: alpha,
        effective_budget: { spend_limit_micros: 100, limit_source: 'user_override' },
        current_spend_micros: 0,
        ...today(),
      });
    });

    it('the Everyone group\'s budget counts as a group budget (and a higher one wins over the others)', async () => {
      await groupBudget(owner.orgId, 20_000_000);
      try {
        for (const u of [dave, bob]) {
          const res = await userSpend(owner, u.id);
          expect(res.body).toMatchObject({ effective_group_id: owner.orgId, effective_budget: { spend_limit_micros: 20_000_000, limit_source: 'group' } });
        }
        // The override still wins.
        expect((await userSpend(owner, carol.id)).body.effective_budget).toEqual({ spend_limit_micros: 100, limit_source: 'user_override' });
      } finally {
        await server.sql('DELETE FROM group_ai_budgets WHERE group_id = $1', [owner.orgId]);
      }
    });

    it('period: a UTC day with CODER_AIBRIDGE_BUDGET_PERIOD=day', async () => {
      const before = today();
      const res = await userSpend(alice, 'me');
      expect(res.status).toBe(200);
      const period = { period_start: res.body.period_start, period_end: res.body.period_end };
      expect([before, today()]).toContainEqual(period);
      expect(period.period_start).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
      expect(Date.parse(period.period_end) - Date.parse(period.period_start)).toBe(DAY_MS);
    });

    it('members read their own spend; another user\'s is not found', async () => {
      expect((await userSpend(alice, 'me')).body.user_id).toBe(alice.id);
      expect((await userSpend(alice, alice.id)).status).toBe(200);
      expectErrorBody(await userSpend(alice, bob.id), 404, NOT_FOUND);
      expectErrorBody(await userSpend(alice, bob.username), 404, NOT_FOUND);
    });

    it('auditors and organization admins read any user\'s spend', async () => {
      for (const reader of [auditor, orgAdmin]) {
        const res = await userSpend(reader, bob.id);
        expect(res.status).toBe(200);
        expect(res.body.effective_group_id).toBe(beta);
      }
    });

    it('unknown users are not found', async () => {
      expectErrorBody(await userSpend(owner, 'nobody'), 404, NOT_FOUND);
      expectErrorBody(await userSpend(owner, uuid('00000000', 1)), 404, NOT_FOUND);
    });
  });

  describe('GET /api/v2/groups/{group}/ai/spend', () => {
    const member = (u: Who, budget: Pick<GroupAISpendMember, 'effective_group_id' | 'effective_budget'>, spend: number): GroupAISpendMember => ({
      user_id: u.id,
      username: u.username,
      ...budget,
      current_spend_micros: spend,
    });
    const aliceRow = () => member(alice, { effective_group_id: alpha, effective_budget: { spend_limit_micros: 5_000_000, limit_source: 'group' } }, 1_234_567);
    const bobRow = () => member(bob, { effective_group_id: beta, effective_budget: { spend_limit_micros: 9_000_000, limit_source: 'group' } }, 42);
    const carolRow = () => member(carol, { effective_group_id: alpha, effective_budget: { spend_limit_micros: 100, limit_source: 'user_override' } }, 0);

    it('every member with their effective budget (possibly another group\'s) and spend, by username', async () => {
      const res = await groupSpend(owner, alpha);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...today(), members: [aliceRow(), bobRow(), carolRow()] } satisfies GroupAISpendStatus);
    });

    it('an unlimited member, and a group without a budget of its own', async () => {
      const res = await groupSpend(owner, gamma);
      expect(res.body).toEqual({ ...today(), members: [member(dave, { effective_group_id: null, effective_budget: null }, 0)] });
    });

    it('the Everyone group lists every organization member, each as the user route reports them', async () => {
      const res = await groupSpend(owner, owner.orgId);
      expect(res.status).toBe(200);
      const names = (res.body as GroupAISpendStatus).members.map((m) => m.username);
      expect(names).toEqual(['alice', 'auditor', 'bob', 'carol', 'dave', 'orgadmin', 'owner']);
      for (const m of (res.body as GroupAISpendStatus).members) {
        const single = (await userSpend(owner, m.user_id)).body as UserAISpendStatus;
        expect(m).toEqual({
          user_id: single.user_id,
          username: m.username,
          effective_group_id: single.effective_group_id,
          effective_budget: single.effective_budget,
          current_spend_micros: single.current_spend_micros,
        });
      }
    });

    it('auditors and organization admins see every member', async () => {
      for (const reader of [auditor, orgAdmin]) {
        const res = await groupSpend(reader, alpha);
        expect(res.status).toBe(200);
        expect(res.body.members).toEqual([aliceRow(), bobRow(), carolRow()]);
      }
    });

    it('a member of the group sees only themselves; a non-member does not find the group', async () => {
      const res = await groupSpend(alice, alpha);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...today(), members: [aliceRow()] });
      expectErrorBody(await groupSpend(dave, alpha), 404, NOT_FOUND);
    });

    it('an id that is not a UUID is refused; an unknown group is not found', async () => {
      const bad = await groupSpend(owner, 'alpha');
      expectErrorBody(bad, 400, 'Invalid UUID "alpha".');
      expectErrorBody(await groupSpend(owner, uuid('00000000', 2)), 404, NOT_FOUND);
    });
  });

  describe('GET /api/v2/organizations/{org}/ai/spend/export', () => {
    // March 2025; interceptions 1-6 in range [START, END), 7 and 8 just outside it, 9 by the outsider.
    const START = '2025-03-01T00:00:00Z';
    const END = '2025-03-08T00:00:00Z';
    const ic = (n: number) => uuid('c1000000', n);
    const tu = (n: number) => uuid('c2000000', n);

    async function interception(n: number, who: Who, startedAt: string, provider: string, providerName: string, model: string): Promise<void> {
      await server.sql(
        `INSERT INTO aibridge_interceptions (id, initiator_id, provider, provider_name, model, started_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [ic(n), who.id, provider, providerName, model, startedAt],
      );
    }
    async function usage(n: number, interceptionN: number, createdAt: string, t: [number, number, number, number], cost: number, priced: boolean, group: string | null) {
      await server.sql(
        `INSERT INTO aibridge_token_usages (id, interception_id, provider_response_id, input_tokens, output_tokens, cache_read_input_tokens,
           cache_write_input_tokens, created_at, cost_micros, priced, effective_group_id) VALUES ($1, $2, 'resp', $3, $4, $5, $6, $7, $8, $9, $10)`,
        [tu(n), ic(interceptionN), ...t, createdAt, cost, priced, group],
      );
    }

    let expectedRows: string;

    beforeAll(async () => {
      await interception(1, alice, '2025-03-01T00:00:00Z', 'openai', 'openai', 'gpt-4o, "mini"');
      await interception(2, bob, '2025-03-02T12:30:45.123456Z', 'anthropic', 'claude, EU', 'claude-sonnet-4');
      await interception(3, carol, '2025-03-02T12:30:45.123456Z', 'openai', 'openai', 'gpt-4.1');
      await interception(4, owner, '2025-03-07T23:59:59.999999Z', 'anthropic', 'anthropic', 'line\nbreak');
      await interception(5, dave, '2025-03-05T00:00:00Z', 'openai', 'openai', 'no-usage');
      await interception(7, alice, '2025-02-28T23:59:59.999999Z', 'openai', 'openai', 'before');
      await interception(8, alice, '2025-03-08T00:00:00Z', 'openai', 'openai', 'at-end');
      await interception(9, outsider, '2025-03-03T00:00:00Z', 'openai', 'openai', 'outsider');
      await usage(1, 1, '2025-03-01T00:00:01Z', [100, 20, 5, 0], 350, true, alpha);
      await usage(2, 1, '2025-03-01T00:00:02Z', [1, 2, 0, 0], 0, false, null);
      await usage(3, 2, '2025-03-02T12:30:46Z', [9_000_000_000, 1, 0, 7], 123_456_789, true, beta);
      await usage(4, 3, '2025-03-02T12:30:46Z', [3, 4, 0, 0], 7, true, alpha);
      await usage(5, 4, '2025-03-08T00:00:00Z', [5, 6, 0, 0], 9, true, null);
      await usage(7, 7, '2025-03-01T00:00:00Z', [1, 1, 0, 0], 1, true, null);
      await usage(8, 8, '2025-03-08T00:00:01Z', [1, 1, 0, 0], 1, true, null);
      await usage(9, 9, '2025-03-03T00:00:01Z', [1, 1, 0, 0], 1, true, null);
      // Ties on started_at are ordered by interception id (2 before 3).
      expectedRows =
        `${ic(1)},2025-03-01T00:00:00.000000Z,${alice.id},alice,openai,openai,"gpt-4o, ""mini""",100,20,5,0,350,true,${alpha}\r\n` +
        `${ic(1)},2025-03-01T00:00:00.000000Z,${alice.id},alice,openai,openai,"gpt-4o, ""mini""",1,2,0,0,0,false,\r\n` +
        `${ic(2)},2025-03-02T12:30:45.123456Z,${bob.id},bob,anthropic,"claude, EU",claude-sonnet-4,9000000000,1,0,7,123456789,true,${beta}\r\n` +
        `${ic(3)},2025-03-02T12:30:45.123456Z,${carol.id},carol,openai,openai,gpt-4.1,3,4,0,0,7,true,${alpha}\r\n` +
        `${ic(4)},2025-03-07T23:59:59.999999Z,${owner.id},owner,anthropic,anthropic,"line\nbreak",5,6,0,0,9,true,\r\n`;
    });

    it('owners get every token usage of the members\' interceptions in [start, end), RFC 4180 escaped', async () => {
      const res = await exportCsv(owner, { start: START, end: END });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="ai-spend-coder.csv"');
      expect(res.headers['x-coder-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(csvText(res)).toBe(HEADER + expectedRows);
    });

    it('the organization may be named; auditors get the same rows', async () => {
      const org = (await as(owner).get(`/api/v2/organizations/${owner.orgId}`)).body.name as string;
      expect(csvText(await exportCsv(auditor, { start: START, end: END }, org))).toBe(HEADER + expectedRows);
    });

    it('callers who may not read interceptions get the header only (members, organization admins)', async () => {
      for (const u of [alice, orgAdmin]) {
        const res = await exportCsv(u, { start: START, end: END });
        expect(res.status).toBe(200);
        expect(csvText(res)).toBe(HEADER);
      }
    });

    it('an empty range answers the header; offsets in the bounds are honoured', async () => {
      expect(csvText(await exportCsv(owner, { start: '2020-01-01T00:00:00Z', end: '2020-01-02T00:00:00Z' }))).toBe(HEADER);
      // 2025-03-02T13:30:45.123456+01:00 is interception 2's start: included as the start, excluded as the end.
      const from = await exportCsv(owner, { start: '2025-03-02T13:30:45.123456+01:00', end: '2025-03-02T13:30:45.123457+01:00' });
      expect(csvText(from).split('\r\n').filter(Boolean).map((l) => l.split(',')[0])).toEqual(['interception_id', ic(2), ic(3)]);
      const until = await exportCsv(owner, { start: START, end: '2025-03-02T13:30:45.123456+01:00' });
      expect(csvText(until)).toBe(HEADER + expectedRows.split('\r\n').slice(0, 2).map((l) => `${l}\r\n`).join(''));
    });

    it('31 days is the longest range', async () => {
      expect((await exportCsv(owner, { start: '2025-03-01T00:00:00Z', end: '2025-04-01T00:00:00Z' })).status).toBe(200);
      const res = await exportCsv(owner, { start: '2025-03-01T00:00:00Z', end: '2025-04-01T00:00:00.000001Z' });
      expectErrorBody(res, 400, INVALID_PARAMS);
      expect(res.body.validations).toEqual([{ field: 'end', detail: 'The range from "start" to "end" must be at most 31 days.' }]);
    });

    it('start and end are required RFC 3339 timestamps, end after start', async () => {
      const cases: Array<[Record<string, string>, Array<{ field: string; detail: string }>]> = [
        [{}, [
          { field: 'start', detail: 'Query param "start" is required.' },
          { field: 'end', detail: 'Query param "end" is required.' },
        ]],
        [{ start: START }, [{ field: 'end', detail: 'Query param "end" is required.' }]],
        [{ start: 'yesterday', end: '2025-02-30T00:00:00Z' }, [
          { field: 'start', detail: 'Query param "start" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "yesterday" is not.' },
          { field: 'end', detail: 'Query param "end" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "2025-02-30T00:00:00Z" is not.' },
        ]],
        [{ start: '2025-03-01', end: END }, [
          { field: 'start', detail: 'Query param "start" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "2025-03-01" is not.' },
        ]],
        [{ start: START, end: START }, [{ field: 'end', detail: 'Query param "end" must be after "start".' }]],
        [{ start: END, end: START }, [{ field: 'end', detail: 'Query param "end" must be after "start".' }]],
      ];
      for (const [query, validations] of cases) {
        const res = await exportCsv(owner, query);
        expectErrorBody(res, 400, INVALID_PARAMS);
        expect({ query, validations: res.body.validations }).toEqual({ query, validations });
      }
    });

    it('an organization the caller cannot read is not found, before the query is checked', async () => {
      expectErrorBody(await exportCsv(owner, { start: START, end: END }, uuid('00000000', 3)), 404, NOT_FOUND);
      expectErrorBody(await exportCsv(outsider, {}), 404, NOT_FOUND);
    });

    it('streams past the page size in order, every usage exactly once', async () => {
      // 2,500 usages over 3 interceptions, two starting at the same instant, many usages sharing created_at.
      const ids = [ic(101), ic(102), ic(103)];
      await server.sql(
        `INSERT INTO aibridge_interceptions (id, initiator_id, provider, model, started_at)
         VALUES ($1, $4, 'openai', 'bulk', '2024-06-01T00:00:00Z'), ($2, $4, 'openai', 'bulk', '2024-06-01T00:00:00Z'),
                ($3, $4, 'openai', 'bulk', '2024-06-02T00:00:00Z')`,
        [...ids, alice.id],
      );
      await server.sql(
        `INSERT INTO aibridge_token_usages (id, interception_id, provider_response_id, input_tokens, output_tokens, created_at)
         SELECT gen_random_uuid(), ($1::uuid[])[1 + n % 3], 'r', n, 0, '2024-06-03T00:00:00Z'::timestamptz + (n / 7) * interval '1 second'
           FROM generate_series(1, 2500) AS n`,
        [ids],
      );
      const res = await exportCsv(owner, { start: '2024-06-01T00:00:00Z', end: '2024-06-03T00:00:00Z' });
      expect(res.status).toBe(200);
      const lines = csvText(res).split('\r\n');
      expect(lines.shift()).toBe(HEADER.slice(0, -2));
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(2500);
      const inputs = lines.map((l) => Number(l.split(',')[7]));
      expect(new Set(inputs).size).toBe(2500);
      const expectedOrder = await server.sql<{ input_tokens: string }>(
        `SELECT t.input_tokens FROM aibridge_token_usages t JOIN aibridge_interceptions i ON i.id = t.interception_id
          WHERE i.model = 'bulk' ORDER BY i.started_at, i.id, t.created_at, t.id`,
      );
      expect(inputs).toEqual(expectedOrder.map((r) => Number(r.input_tokens)));
    });
  });
});

describe('AI spend: feature gates (Express adapter)', () => {
  let server: TestServer;
  let owner: FirstUser;

  beforeAll(async () => {
    server = await startServer({ CODER_HTTP_ADAPTER: 'express' });
    owner = await createFirstUser(server);
  });
  afterAll(() => server?.close());

  it('every route answers 403 without an aibridge license; the group route also needs template_rbac', async () => {
    const as = api(server, owner.token);
    const routes = [`/api/v2/users/me/ai/spend`, `/api/v2/groups/${owner.orgId}/ai/spend`, `/api/v2/organizations/${owner.orgId}/ai/spend/export`];
    for (const path of routes) expectErrorBody(await as.get(path), 403, PREMIUM_AIBRIDGE);

    await license(server, owner, { aibridge: 1 });
    expect((await as.get('/api/v2/users/me/ai/spend')).status).toBe(200);
    expectErrorBody(await as.get(`/api/v2/groups/${owner.orgId}/ai/spend`), 403, PREMIUM_TEMPLATE_RBAC);
    // Checked before the group is even looked up.
    expectErrorBody(await as.get('/api/v2/groups/not-a-uuid/ai/spend'), 403, PREMIUM_TEMPLATE_RBAC);

    const res = await as.get(`/api/v2/organizations/${owner.orgId}/ai/spend/export`).query({ start: '2025-01-01T00:00:00Z', end: '2025-01-02T00:00:00Z' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text).toBe(HEADER);
  });
});
