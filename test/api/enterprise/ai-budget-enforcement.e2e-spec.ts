// AI budgets enforced by the gateway: spend accounting per usage, the 403 that names the budget, a
// new period, overrides, a zero budget, unpriced models, and concurrent requests that must not
// overshoot (reservations).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import { Pubsub } from '#db/pubsub.js';
import { BudgetEnforcer } from '#enterprise/aibridge/budgets/budget-enforcer.service.js';
import { InterceptionRecorder } from '#enterprise/aibridge/recording/recorder.service.js';
import { RecordingRepository } from '#enterprise/aibridge/recording/recording.repository.js';
import { FAKE_USAGE, startFakeLlm, type FakeLlm } from '../../support/fake-llm.mjs';
import { bridgeEnv, startBridge } from '../../support/aibridge.js';
import { createUser, type FirstUser } from '../../support/fixtures.js';
import type { TestServer } from '../../support/test-server.js';

/** A shipped price (micros per million tokens): gpt-4.1-mini is $0.40 in, $1.60 out, $0.10 cached in. */
const MODEL = 'gpt-4.1-mini';
const PRICE = { input: 400_000, output: 1_600_000, cacheRead: 100_000 };
const u = FAKE_USAGE.chat;
const cached = u.prompt_tokens_details.cached_tokens;
/** What one of the fake's answers costs: 100 uncached input, 20 cached input, 30 output tokens. */
const COST = Math.ceil(((u.prompt_tokens - cached) * PRICE.input + cached * PRICE.cacheRead + u.completion_tokens * PRICE.output) / 1_000_000);
const MAX_TOKENS = 50;

describe('AI budget enforcement in the gateway', () => {
  let fake: FakeLlm;
  let server: TestServer;
  let owner: FirstUser;
  let orgId: string;

  beforeAll(async () => {
    fake = await startFakeLlm();
    ({ server, owner } = await startBridge(await bridgeEnv(fake), { aibridge: 1, template_rbac: 1 }));
    orgId = owner.orgId;
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const enforcer = () => server.app.get(BudgetEnforcer, { strict: false });
  /** Changes made in SQL behind the server's back are announced by the database's triggers; wait for them here. */
  const announced = () => server.app.get(Pubsub, { strict: false }).barrier();
  beforeEach(async () => {
    enforcer().clock = () => new Date();
    await server.sql('DELETE FROM group_ai_budgets');
    await server.sql('DELETE FROM user_ai_budget_overrides');
    await announced();
  });

  const client = (token: string) => new OpenAI({ apiKey: token, baseURL: `${server.url}/api/v2/aibridge/openai/v1`, maxRetries: 0, logLevel: 'off' });
  const ask = (token: string, model = MODEL) =>
    client(token).chat.completions.create({ model, max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: 'cost me' }] });
  /** The status of one request: 200, or the status of the SDK's error. */
  const status = (token: string, model = MODEL) =>
    ask(token, model).then(
      () => 200,
      (err: unknown) => (err as { status?: number }).status ?? 0,
    );

  async function flushed<T>(then: () => Promise<T>): Promise<T> {
    await server.app.get(InterceptionRecorder, { strict: false }).flush();
    return then();
  }
  const spendOf = (userId: string) =>
    flushed(async () => (await server.sql<{ n: string }>('SELECT COALESCE(sum(spend_micros), 0)::text AS n FROM ai_spend_totals WHERE user_id = $1', [userId]))[0].n);

  async function groupBudget(groupId: string, micros: number) {
    await server.sql('INSERT INTO group_ai_budgets (group_id, spend_limit_micros) VALUES ($1, $2)', [groupId, micros]);
    await announced();
  }

  it('records each usage with its cost and group, and keeps the period total', async () => {
    const user = await createUser(server, owner);
    await groupBudget(orgId, 1_000_000);
    expect(await status(user.token)).toBe(200);
    const [usage] = await flushed(() =>
      server.sql<{ cost_micros: string; priced: boolean; effective_group_id: string }>(
        `SELECT t.cost_micros, t.priced, t.effective_group_id FROM aibridge_token_usages t JOIN aibridge_interceptions i ON i.id = t.interception_id WHERE i.initiator_id = $1`,
        [user.id],
      ),
    );
    expect(usage).toEqual({ cost_micros: String(COST), priced: true, effective_group_id: orgId });
    const period = enforcer().period();
    expect(await server.sql('SELECT spend_micros::text AS spend, period_start FROM ai_spend_totals WHERE user_id = $1', [user.id])).toEqual([
      { spend: String(COST), period_start: period.start },
    ]);
  });

  it('refuses the request that would cross the budget with 403 naming the group, limit, spend and reset', async () => {
    const user = await createUser(server, owner);
    const body = JSON.stringify({ model: MODEL, max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: 'cost me' }] });
    // The documented estimate: every body byte a quarter token of uncached input, plus max_tokens of output.
    const estimate = Math.ceil((Math.ceil(Buffer.byteLength(body) / 4) * PRICE.input + MAX_TOKENS * PRICE.output) / 1_000_000);
    // Two requests fit; after them, a third one's reservation would cross the limit.
    const limit = 2 * COST + Math.floor(estimate / 2);
    await groupBudget(orgId, limit);
    expect(await status(user.token)).toBe(200);
    expect(await status(user.token)).toBe(200);
    const forwarded = fake.requests.length;
    const refused = await fetch(`${server.url}/api/v2/aibridge/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body,
    });
    expect(refused.status).toBe(403);
    const dollars = (m: number) => `$${(m / 1_000_000).toFixed(2)}`;
    expect(await refused.json()).toEqual({
      message:
        `AI budget exceeded: the budget of group "Everyone" allows ${dollars(limit)} per month; ${dollars(2 * COST)} spent. ` +
        `It resets at ${enforcer().period().end.toISOString()}. This request could cost up to ${dollars(estimate)}.`,
    });
    expect(fake.requests.length).toBe(forwarded);
    expect(await spendOf(user.id)).toBe(String(2 * COST));
  });

  it('at or over the limit every request is refused; the next period allows again', async () => {
    const user = await createUser(server, owner);
    // Less than max_tokens of output alone would cost: even the first request is refused...
    await groupBudget(orgId, Math.floor((MAX_TOKENS * PRICE.output) / 1_000_000) - 1);
    expect(await status(user.token)).toBe(403);
    // ...but a recorded spend at the limit refuses too, whatever the estimate.
    await server.sql('DELETE FROM group_ai_budgets');
    await groupBudget(orgId, 10_000);
    await server.sql('INSERT INTO ai_spend_totals (user_id, period_start, spend_micros) VALUES ($1, $2, $3)', [user.id, enforcer().period().start, 10_000]);
    await announced();
    expect(await status(user.token)).toBe(403);
    // A month later the period is new and its spend zero.
    const next = enforcer().period().end;
    enforcer().clock = () => new Date(next.getTime() + 60_000);
    expect(await status(user.token)).toBe(200);
    const totals = await flushed(() =>
      server.sql<{ period_start: Date; spend: string }>('SELECT period_start, spend_micros::text AS spend FROM ai_spend_totals WHERE user_id = $1 ORDER BY period_start', [user.id]),
    );
    expect(totals).toEqual([
      { period_start: enforcer().period(new Date()).start, spend: '10000' },
      { period_start: next, spend: String(COST) },
    ]);
  });

  it('a zero budget blocks every request; users without any budget are unlimited', async () => {
    const blocked = await createUser(server, owner);
    const [zero] = await server.sql<{ id: string }>(
      `INSERT INTO groups (id, name, organization_id) VALUES (gen_random_uuid(), 'zero-' || floor(random() * 1e9)::text, $1) RETURNING id`,
      [orgId],
    );
    await server.sql('INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)', [zero.id, blocked.id]);
    // A group budget of 0 (the only budget the user has) blocks...
    await groupBudget(zero.id, 0);
    expect(await status(blocked.token)).toBe(403);
    // ...and so does an override of 0.
    await server.sql('DELETE FROM group_ai_budgets');
    await server.sql('INSERT INTO user_ai_budget_overrides (user_id, group_id, spend_limit_micros) VALUES ($1, $2, 0)', [blocked.id, zero.id]);
    await announced();
    expect(await status(blocked.token)).toBe(403);
    expect(fake.requests.filter((r) => r.headers.authorization === `Bearer ${blocked.token}`)).toEqual([]);
    const free = await createUser(server, owner);
    expect(await status(free.token)).toBe(200);
  });

  it('an override wins over group budgets, even when lower, and its group is recorded', async () => {
    const user = await createUser(server, owner);
    const [g] = await server.sql<{ id: string }>(
      `INSERT INTO groups (id, name, organization_id) VALUES (gen_random_uuid(), 'ovr-' || floor(random() * 1e9)::text, $1) RETURNING id`,
      [orgId],
    );
    await server.sql('INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)', [g.id, user.id]);
    await groupBudget(orgId, 1_000_000);
    await server.sql('INSERT INTO user_ai_budget_overrides (user_id, group_id, spend_limit_micros) VALUES ($1, $2, $3)', [user.id, g.id, 10]);
    await announced();
    const res = await fetch(`${server.url}/api/v2/aibridge/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ model: MODEL, max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/^AI budget exceeded: your budget override \(group "ovr-\d+"\) allows \$0\.00 per month;/);
  });

  it('a model without a price costs nothing and does not count against the budget', async () => {
    const user = await createUser(server, owner);
    await groupBudget(orgId, 1_000);
    expect(await status(user.token, 'unpriced-model-x')).toBe(200);
    expect(await status(user.token, 'unpriced-model-x')).toBe(200);
    const rows = await flushed(() =>
      server.sql<{ cost_micros: string; priced: boolean }>(
        `SELECT t.cost_micros, t.priced FROM aibridge_token_usages t JOIN aibridge_interceptions i ON i.id = t.interception_id WHERE i.initiator_id = $1`,
        [user.id],
      ),
    );
    expect(rows).toEqual([
      { cost_micros: '0', priced: false },
      { cost_micros: '0', priced: false },
    ]);
    expect(await spendOf(user.id)).toBe('0');
  });

  it('a batch written twice (a retry after an unknown commit outcome) adds its spend once', async () => {
    const user = await createUser(server, owner);
    const [i] = await server.sql<{ id: string }>(
      `INSERT INTO aibridge_interceptions (id, initiator_id, provider, model, started_at) VALUES (gen_random_uuid(), $1, 'openai', $2, now()) RETURNING id`,
      [user.id, MODEL],
    );
    const period = enforcer().period().start.toISOString();
    const usage = {
      id: randomUUID(), interception_id: i.id, provider_response_id: 'r1', input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0,
      cache_write_input_tokens: 0, metadata: {}, created_at: new Date().toISOString(), cost_micros: 77, priced: true, effective_group_id: null,
      spend_user_id: user.id, spend_period_start: period,
    };
    const batch = { interceptions: [], ends: [], tokenUsages: [usage], userPrompts: [], toolUsages: [], seats: [] };
    const repo = server.app.get(RecordingRepository, { strict: false });
    await repo.write(batch);
    await repo.write(batch);
    expect(await spendOf(user.id)).toBe('77');
    expect(await server.sql('SELECT id FROM aibridge_token_usages WHERE interception_id = $1', [i.id])).toEqual([{ id: usage.id }]);
  });

  it('20 concurrent requests against a budget that fits about 5: recorded spend stays within the limit', async () => {
    const user = await createUser(server, owner);
    const limit = COST * 5;
    await groupBudget(orgId, limit);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => status(user.token)));
    const ok = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 403)).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(1);
    // Each admitted request reserved its estimate (its max_tokens of output), which is more than it
    // cost: in-flight reservations can never add up past the limit, so neither can the spend.
    const spend = Number(await spendOf(user.id));
    expect(spend).toBe(ok * COST);
    expect(spend).toBeLessThanOrEqual(limit);
  });
});
