// AI budgets on two replicas of one database (docs/aibridge.md "Budgets across replicas"): every change
// to a user's effective budget, made on either replica through the API or by a trigger, is enforced by
// both gateways on the very next request, with no waiting; spend made through one replica counts on the
// other within the promised second.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import OpenAI from 'openai';
import { Pubsub } from '#db/pubsub.js';
import { BudgetEnforcer } from '#enterprise/aibridge/budgets/budget-enforcer.service.js';
import { BudgetRepository } from '#enterprise/aibridge/budgets/budget.repository.js';
import { FAKE_USAGE, startFakeLlm, type FakeLlm } from '../../support/fake-llm.mjs';
import { bridgeEnv, startBridge } from '../../support/aibridge.js';
import { api, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

/** gpt-4.1-mini's shipped price: one fake answer (100 input, 20 cached, 30 output tokens) costs 90 micros. */
const MODEL = 'gpt-4.1-mini';
const u = FAKE_USAGE.chat;
const COST = Math.ceil(((u.prompt_tokens - u.prompt_tokens_details.cached_tokens) * 400_000 + u.prompt_tokens_details.cached_tokens * 100_000 + u.completion_tokens * 1_600_000) / 1_000_000);
/** The promise for spend made on another replica. */
const SPEND_BOUND_MS = 1000;

describe('AI budgets across replicas', () => {
  let fake: FakeLlm;
  let a: TestServer;
  let b: TestServer;
  let owner: FirstUser;

  beforeAll(async () => {
    fake = await startFakeLlm();
    const env = await bridgeEnv(fake);
    ({ server: a, owner } = await startBridge(env, { aibridge: 1, template_rbac: 1, multiple_organizations: 1 }));
    b = await startTestServer({ databaseUrl: a.databaseUrl, env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await fake?.close();
  });

  const as = (s: TestServer) => api(s, owner.token);
  /** One gateway request through `s`: 200, or the status the SDK reports. */
  const status = (s: TestServer, user: TestUser) =>
    new OpenAI({ apiKey: user.token, baseURL: `${s.url}/api/v2/aibridge/openai/v1`, maxRetries: 0, logLevel: 'off' }).chat.completions
      .create({ model: MODEL, max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => 200,
        (err: unknown) => (err as { status?: number }).status ?? 0,
      );
  const both = async (user: TestUser) => ({ a: await status(a, user), b: await status(b, user) });

  async function group(s: TestServer, members: TestUser[], limit?: number): Promise<string> {
    const created = await as(s).post(`/api/v2/organizations/${owner.orgId}/groups`).send({ name: `replicas-${randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(201);
    if (members.length > 0) expect((await as(s).patch(`/api/v2/groups/${created.body.id}`).send({ add_users: members.map((m) => m.id) })).status).toBe(200);
    if (limit !== undefined) expect((await as(s).put(`/api/v2/groups/${created.body.id}/ai/budget`).send({ spend_limit_micros: limit })).status).toBe(200);
    return created.body.id;
  }

  it('the replicas share one database and one license; gateway requests never wait for a barrier', async () => {
    const user = await createUser(a, owner);
    const barrier = jest.spyOn(a.app.get(Pubsub, { strict: false }), 'barrier');
    expect(await both(user)).toEqual({ a: 200, b: 200 });
    expect(barrier).not.toHaveBeenCalled();
    barrier.mockRestore();
  });

  it('leaving a budgeted group (its override deleted by a trigger) lifts the block on both replicas at once', async () => {
    const user = await createUser(a, owner);
    const g = await group(a, [user], 0);
    expect((await as(a).put(`/api/v2/users/${user.id}/ai/budget`).send({ group_id: g, spend_limit_micros: 0 })).status).toBe(200);
    expect(await both(user)).toEqual({ a: 403, b: 403 });
    // The PATCH knows nothing of budgets: the membership trigger deletes the override, and the
    // database announces both changes from inside that transaction.
    expect((await as(a).patch(`/api/v2/groups/${g}`).send({ remove_users: [user.id] })).status).toBe(200);
    expect(await a.sql('SELECT 1 FROM user_ai_budget_overrides WHERE user_id = $1', [user.id])).toEqual([]);
    expect(await both(user)).toEqual({ a: 200, b: 200 });
  });

  it('joining a group with a zero budget blocks on both replicas at once', async () => {
    const user = await createUser(a, owner);
    expect(await both(user)).toEqual({ a: 200, b: 200 });
    const g = await group(b, [], 0);
    expect(await both(user)).toEqual({ a: 200, b: 200 });
    expect((await as(b).patch(`/api/v2/groups/${g}`).send({ add_users: [user.id] })).status).toBe(200);
    expect(await both(user)).toEqual({ a: 403, b: 403 });
  });

  it('group budgets and overrides put and deleted on one replica apply on the other at once', async () => {
    const user = await createUser(a, owner);
    const g = await group(a, [user]);
    expect(await both(user)).toEqual({ a: 200, b: 200 });
    expect((await as(b).put(`/api/v2/groups/${g}/ai/budget`).send({ spend_limit_micros: 0 })).status).toBe(200);
    expect(await status(a, user)).toBe(403);
    expect((await as(a).put(`/api/v2/users/${user.id}/ai/budget`).send({ group_id: g, spend_limit_micros: 1_000_000 })).status).toBe(200);
    expect(await status(b, user)).toBe(200);
    expect((await as(b).delete(`/api/v2/users/${user.id}/ai/budget`)).status).toBe(204);
    expect(await status(a, user)).toBe(403);
    expect((await as(a).delete(`/api/v2/groups/${g}/ai/budget`)).status).toBe(204);
    expect(await status(b, user)).toBe(200);
  });

  it("joining and leaving an organization whose Everyone group has a zero budget applies on both replicas at once", async () => {
    const created = await as(a).post('/api/v2/organizations').send({ name: `org-${randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(201);
    const org = created.body.id as string;
    // The Everyone group's id is the organization's.
    expect((await as(a).put(`/api/v2/groups/${org}/ai/budget`).send({ spend_limit_micros: 0 })).status).toBe(200);
    const user = await createUser(a, owner);
    expect(await both(user)).toEqual({ a: 200, b: 200 });
    expect((await as(b).post(`/api/v2/organizations/${org}/members/${user.id}`)).status).toBe(200);
    expect(await both(user)).toEqual({ a: 403, b: 403 });
    expect((await as(a).delete(`/api/v2/organizations/${org}/members/${user.id}`)).status).toBe(204);
    expect(await both(user)).toEqual({ a: 200, b: 200 });
  });

  it('the database announces every change that can move a budget, whoever makes it (plain SQL here)', async () => {
    const user = await createUser(a, owner);
    const g = await group(a, []);
    const listener = new Pubsub(a.databaseUrl);
    await listener.start();
    const heard: string[] = [];
    try {
      await listener.subscribe('aibridge_budgets', (payload) => heard.push(payload));
      const step = async (sql: string, params: unknown[]) => {
        heard.length = 0;
        await a.sql(sql, params);
        await listener.barrier();
        return [...heard];
      };
      expect(await step('INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)', [g, user.id])).toEqual([user.id]);
      expect(await step('INSERT INTO user_ai_budget_overrides (user_id, group_id, spend_limit_micros) VALUES ($1, $2, 5)', [user.id, g])).toEqual([user.id]);
      expect(await step('UPDATE user_ai_budget_overrides SET spend_limit_micros = 6 WHERE user_id = $1', [user.id])).toEqual([user.id]);
      // One transaction, two changes (the trigger deletes the override): one message, deduplicated by PostgreSQL.
      expect(await step('DELETE FROM group_members WHERE group_id = $1 AND user_id = $2', [g, user.id])).toEqual([user.id]);
      expect(await step('INSERT INTO group_ai_budgets (group_id, spend_limit_micros) VALUES ($1, 7)', [g])).toEqual(['']);
      expect(await step('DELETE FROM group_ai_budgets WHERE group_id = $1', [g])).toEqual(['']);
      expect(await step('DELETE FROM organization_members WHERE user_id = $1 AND organization_id = $2', [user.id, owner.orgId])).toEqual([user.id]);
      expect(await step('INSERT INTO organization_members (user_id, organization_id) VALUES ($1, $2)', [user.id, owner.orgId])).toEqual([user.id]);
      expect(await step('UPDATE users SET deleted = true WHERE id = $1', [user.id])).toEqual([user.id]);
      expect(await step('UPDATE users SET name = $2 WHERE id = $1', [user.id, 'unrelated'])).toEqual([]);
    } finally {
      await listener.close();
    }
  });

  it(`spend made through one replica counts on the other within ${SPEND_BOUND_MS} ms, without a request reading the database`, async () => {
    const user = await createUser(a, owner);
    // One answer's cost exactly: the first request fits, and once its spend is recorded nothing more does.
    await group(a, [user], COST);
    const enforcerA = a.app.get(BudgetEnforcer, { strict: false });
    /** Whether A would admit a request estimated at nothing (refused only once recorded spend reaches the limit). */
    const admittedByA = async () => {
      try {
        enforcerA.settle(await enforcerA.reserve(user.id, 0), 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(await admittedByA()).toBe(true); // A has read and cached the user's state.
    const reads = jest.spyOn(a.app.get(BudgetRepository, { strict: false }), 'budgetAndSpend');
    expect(await status(b, user)).toBe(200);
    const answered = Date.now();
    let admitted = true;
    while (admitted && Date.now() - answered < SPEND_BOUND_MS) {
      admitted = await admittedByA();
      if (admitted) await new Promise((r) => setTimeout(r, 10));
    }
    expect({ admitted, within: Date.now() - answered <= SPEND_BOUND_MS }).toEqual({ admitted: false, within: true });
    expect(await status(a, user)).toBe(403);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    const [row] = await a.sql<{ n: string }>('SELECT spend_micros::text AS n FROM ai_spend_totals WHERE user_id = $1', [user.id]);
    expect(row.n).toBe(String(COST));
  });
});
