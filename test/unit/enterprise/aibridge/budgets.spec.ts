// AI budgets without a database: periods, prices and estimates, and the enforcer's admission rule
// (its repository is a small in-memory stand-in: the SQL is covered by the API specs).
import { describe, expect, it } from '@jest/globals';
import type { DeploymentConfig } from '#coderd/config/config.js';
import { BudgetEnforcer } from '#enterprise/aibridge/budgets/budget-enforcer.service.js';
import type { BudgetRepository, EffectiveBudget } from '#enterprise/aibridge/budgets/budget.repository.js';
import { DEFAULT_MODEL_PRICES } from '#enterprise/aibridge/budgets/default-prices.js';
import { ModelPricesService } from '#enterprise/aibridge/budgets/model-prices.service.js';
import { budgetPeriod } from '#enterprise/aibridge/budgets/period.js';
import type { Pubsub } from '#db/pubsub.js';
import { ApiError } from '#httpapi/api-error.js';

const d = (iso: string) => new Date(iso);

describe('budgetPeriod (UTC)', () => {
  it.each<[string, 'day' | 'week' | 'month', string, string, string]>([
    ['mid-month', 'month', '2026-11-25T19:00:00Z', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['December rolls into the next year', 'month', '2026-12-31T23:59:59Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['the first instant of a month', 'month', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ['February of a leap year', 'month', '2028-02-15T12:00:00Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
    ['a day', 'day', '2026-11-25T23:59:59Z', '2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z'],
    ['a Wednesday: the week began on Monday', 'week', '2026-11-25T10:00:00Z', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['a Sunday belongs to the week before', 'week', '2026-11-29T23:00:00Z', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['a Monday starts a week', 'week', '2026-11-30T00:00:00Z', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['a week across a year end', 'week', '2027-01-01T08:00:00Z', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
  ])('%s', (_name, kind, now, start, end) => {
    const p = budgetPeriod(kind, d(now));
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual([start, end]);
  });
});

/** Prices as shipped, without a database: reload is replaced by loading the defaults. */
function shippedPrices(): ModelPricesService {
  const svc = new ModelPricesService({} as never, {} as Pubsub);
  const map = new Map(DEFAULT_MODEL_PRICES.map((p) => [`${p.provider}\u0000${p.model}`, p]));
  (svc as unknown as { prices: typeof map }).prices = map;
  return svc;
}

describe('ModelPricesService.cost and estimate', () => {
  const prices = shippedPrices();
  it('prices every token kind and rounds up to a whole micro', () => {
    // gpt-4.1-mini: $0.40 in, $1.60 out, $0.10 cached per million tokens.
    expect(prices.cost('openai', 'gpt-4.1-mini', { input: 100, output: 30, cacheRead: 20, cacheWrite: 0 })).toEqual({ micros: 90, priced: true });
    expect(prices.cost('openai', 'gpt-4.1-mini', { input: 1, output: 0, cacheRead: 0, cacheWrite: 0 })).toEqual({ micros: 1, priced: true });
    // Anthropic cache writes at 1.25x and reads at 0.1x input: claude-sonnet-4-5 is $3 in, $15 out.
    expect(prices.cost('anthropic', 'claude-sonnet-4-5', { input: 1_000_000, output: 1_000_000, cacheRead: 1_000_000, cacheWrite: 1_000_000 })).toEqual({
      micros: 3_000_000 + 15_000_000 + 300_000 + 3_750_000,
      priced: true,
    });
  });

  it.each([
    ['anthropic', 'claude-sonnet-4-5-20250929', true],
    ['openai', 'gpt-4.1-2025-04-14', true],
    ['openai', 'claude-sonnet-4-5', false],
    ['openai', 'gpt-4.1-mini-preview', false],
    ['anthropic', 'unknown', false],
  ])('%s %s priced: %s (dated snapshots cost what their model costs)', (provider, model, priced) => {
    expect(prices.cost(provider, model, { input: 10, output: 10, cacheRead: 0, cacheWrite: 0 }).priced).toBe(priced);
  });

  it('an unpriced model costs 0', () => {
    expect(prices.cost('openai', 'nope', { input: 1e6, output: 1e6, cacheRead: 0, cacheWrite: 0 })).toEqual({ micros: 0, priced: false });
  });

  it('estimates a quarter token per request byte of uncached input plus max_tokens (default 4096) of output', () => {
    expect(prices.estimate('openai', 'gpt-4.1-mini', 400, 50)).toBe(Math.ceil((100 * 400_000 + 50 * 1_600_000) / 1e6));
    expect(prices.estimate('openai', 'gpt-4.1-mini', 400, undefined)).toBe(Math.ceil((100 * 400_000 + 4096 * 1_600_000) / 1e6));
    expect(prices.estimate('openai', 'nope', 400, 50)).toBe(0);
  });
});

interface FakeEnforcer {
  e: BudgetEnforcer;
  loads: () => number;
  /** Delivers a message as the database would announce it on `channel`. */
  announce: (channel: string, payload: string) => void;
  reconnect: () => void;
  /** Holds the next database read until released. */
  holdNextLoad: () => () => void;
}

function enforcer(state: { budget?: EffectiveBudget; spend: number }): FakeEnforcer {
  let loads = 0;
  let hold: Promise<void> | undefined;
  const repo = {
    budgetAndSpend: async () => {
      loads++;
      // Read now, answered later: a read that races an announcement.
      const read = { budget: state.budget, spendMicros: state.spend };
      const h = hold;
      hold = undefined;
      await h;
      return read;
    },
  } as unknown as BudgetRepository;
  const listeners = new Map<string, (payload: string, fromSelf: boolean) => void>();
  const reconnectHooks: Array<() => void> = [];
  const pubsub = {
    subscribe: async (channel: string, fn: (payload: string, fromSelf: boolean) => void) => void listeners.set(channel, fn),
    onReconnect: (fn: () => void) => void reconnectHooks.push(fn),
  } as unknown as Pubsub;
  const config = { aibridge: { budgetPeriod: 'month' } } as DeploymentConfig;
  const e = new BudgetEnforcer(config, repo, pubsub);
  void e.onModuleInit();
  return {
    e,
    loads: () => loads,
    announce: (channel, payload) => listeners.get(channel)!(payload, false),
    reconnect: () => reconnectHooks.forEach((fn) => fn()),
    holdNextLoad: () => {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      return release;
    },
  };
}

const GROUP: EffectiveBudget = { limitMicros: 1_000, source: 'group', groupId: 'g1', groupName: 'eng' };
const NOW = d('2026-11-25T12:00:00Z');

describe('BudgetEnforcer', () => {
  it('no budget: everything is admitted', async () => {
    const { e } = enforcer({ spend: 10 ** 12 });
    const r = await e.reserve('u', 10 ** 9, NOW);
    expect(r).toEqual({ userId: 'u', periodStart: d('2026-11-01T00:00:00Z'), micros: 10 ** 9, budget: undefined });
  });

  it('admits while spend + reservations + the estimate fit, and refuses the one that would cross', async () => {
    const { e } = enforcer({ budget: GROUP, spend: 100 });
    const a = await e.reserve('u', 400, NOW); // 100 + 400 <= 1000
    await e.reserve('u', 500, NOW); // 100 + 400 + 500 = 1000 <= 1000
    await expect(e.reserve('u', 1, NOW)).rejects.toThrow(ApiError);
    e.settle(a, 50); // the first one cost 50, not 400: room again
    await expect(e.reserve('u', 300, NOW)).resolves.toMatchObject({ micros: 300 });
  });

  it('at the limit even a zero estimate is refused, with the message naming budget, limit, spend and reset', async () => {
    const { e } = enforcer({ budget: { ...GROUP, source: 'user_override' }, spend: 1_000 });
    const err = await e.reserve('u', 0, NOW).catch((x: unknown) => x as ApiError);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect((err as ApiError).message).toBe(
      'AI budget exceeded: your budget override (group "eng") allows $0.00 per month; $0.00 spent. It resets at 2026-12-01T00:00:00.000Z.',
    );
  });

  it('a zero budget refuses everything', async () => {
    const { e } = enforcer({ budget: { ...GROUP, limitMicros: 0 }, spend: 0 });
    await expect(e.reserve('u', 0, NOW)).rejects.toMatchObject({ status: 403 });
  });

  it('reads the database once per user until a change is announced (60 s at most), and in a new period', async () => {
    const { e, loads } = enforcer({ budget: GROUP, spend: 0 });
    await Promise.all([e.reserve('u', 1, NOW), e.reserve('u', 1, NOW), e.reserve('u', 1, NOW)]);
    expect(loads()).toBe(1);
    await e.reserve('u', 1, new Date(NOW.getTime() + 59_000));
    expect(loads()).toBe(1);
    await e.reserve('u', 1, new Date(NOW.getTime() + 61_000));
    expect(loads()).toBe(2);
    await e.reserve('u', 1, d('2026-12-01T00:00:01Z'));
    expect(loads()).toBe(3);
  });

  it("an announced budget change (the user's, or everyone's) is read before the next request", async () => {
    const backing: { budget?: EffectiveBudget; spend: number } = { budget: GROUP, spend: 0 };
    const { e, loads, announce } = enforcer(backing);
    await e.reserve('u', 1, NOW);
    await e.reserve('v', 1, NOW);
    backing.budget = { ...GROUP, limitMicros: 0 };
    announce('aibridge_budgets', 'other-user');
    await e.reserve('u', 1, NOW);
    expect(loads()).toBe(2);
    announce('aibridge_budgets', 'u');
    await expect(e.reserve('u', 0, NOW)).rejects.toMatchObject({ status: 403 });
    announce('aibridge_budgets', '');
    await expect(e.reserve('v', 0, NOW)).rejects.toMatchObject({ status: 403 });
    expect(loads()).toBe(4);
  });

  it('a read that raced an announcement answers its request but is not trusted by the next one', async () => {
    const backing: { budget?: EffectiveBudget; spend: number } = { budget: undefined, spend: 0 };
    const { e, loads, announce, holdNextLoad } = enforcer(backing);
    const release = holdNextLoad();
    const racing = e.reserve('u', 1, NOW);
    backing.budget = { ...GROUP, limitMicros: 0 };
    announce('aibridge_budgets', 'u');
    release();
    await expect(racing).resolves.toMatchObject({ budget: undefined });
    await expect(e.reserve('u', 0, NOW)).rejects.toMatchObject({ status: 403 });
    expect(loads()).toBe(2);
  });

  it("spend announced by the database (another replica's) counts at once, for its own period only", async () => {
    const { e, loads, announce } = enforcer({ budget: GROUP, spend: 0 });
    await e.reserve('u', 0, NOW);
    announce('aibridge_spend', `u ${d('2026-10-01T00:00:00Z').getTime()} 1000`);
    await expect(e.reserve('u', 0, NOW)).resolves.toBeDefined();
    announce('aibridge_spend', `u ${d('2026-11-01T00:00:00Z').getTime()} 1000`);
    await expect(e.reserve('u', 0, NOW)).rejects.toMatchObject({ status: 403 });
    expect(loads()).toBe(1);
  });

  it('settled spend counts until written, and once written it counts once (the write and its announcement agree)', async () => {
    const backing = { budget: GROUP, spend: 0 };
    const { e, announce } = enforcer(backing);
    const period = d('2026-11-01T00:00:00Z').getTime();
    e.settle(await e.reserve('u', 100, NOW), 600);
    await expect(e.reserve('u', 401, NOW)).rejects.toMatchObject({ status: 403 }); // 600 unwritten
    // Written: 600 leaves the queue and the total is 600; the trigger's announcement says the same.
    e.written([{ userId: 'u', periodStart: period, micros: 600, totalMicros: 600 }]);
    announce('aibridge_spend', `u ${period} 600`);
    await expect(e.reserve('u', 400, NOW)).resolves.toMatchObject({ micros: 400 });
  });

  it('settled spend is not lost when the state is reloaded before it reaches the database', async () => {
    const backing = { budget: GROUP, spend: 0 };
    const { e } = enforcer(backing);
    const r = await e.reserve('u', 100, NOW);
    e.settle(r, 900); // not yet written: the database still says 0
    await expect(e.reserve('u', 200, new Date(NOW.getTime() + 61_000))).rejects.toMatchObject({ status: 403 });
  });

  it('after the listener reconnected (announcements may be lost) every user is read again', async () => {
    const { e, loads, reconnect } = enforcer({ budget: GROUP, spend: 0 });
    await e.reserve('u', 0, NOW);
    reconnect();
    await e.reserve('u', 0, NOW);
    expect(loads()).toBe(2);
  });

  it('a new period starts from the database total with no reservations carried over', async () => {
    const backing = { budget: GROUP, spend: 1_000 };
    const { e } = enforcer(backing);
    await expect(e.reserve('u', 0, NOW)).rejects.toMatchObject({ status: 403 });
    backing.spend = 0;
    await expect(e.reserve('u', 900, d('2026-12-02T00:00:00Z'))).resolves.toMatchObject({ periodStart: d('2026-12-01T00:00:00Z') });
  });
});
