// InterceptionRecorder: rows are queued off the request path and written in batches; a failed write
// keeps its rows (in front of what arrived meanwhile) and is retried with backoff. The repository is
// an in-memory stand-in: this is the queueing logic, not SQL. Timers are jest's fake timers, so the
// backoff (100 ms, doubling) runs without real waiting.
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { Authenticator, AuthInvalidation } from '#coderd/auth/authenticator.service.js';
import type { MetricsService } from '#coderd/metrics/metrics.service.js';
import { GatewayMetrics } from '#enterprise/aibridge/gateway/gateway-metrics.js';
import type { ObservedUsage } from '#enterprise/aibridge/gateway/wire/types.js';
import { InterceptionRecorder, type InterceptionEnd, type InterceptionStart } from '#enterprise/aibridge/recording/recorder.service.js';
import type { RecordingRepository, SpendTotalRow } from '#enterprise/aibridge/recording/recording.repository.js';
import type { RecordingBatch, WrittenSpend } from '#enterprise/aibridge/recording/recording.types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Any v4 UUID (typed as the string it stands for in a row). */
const anyId = () => expect.stringMatching(UUID) as unknown as string;

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const U3 = '33333333-3333-4333-8333-333333333333';
const id = (n: number) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const T0 = Date.parse('2025-10-14T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const iso = (ms: number) => at(ms).toISOString();

/** The repository stand-in: records every attempt, fails on demand, reports new seats. */
class FakeRepo {
  readonly attempts: RecordingBatch[] = [];
  readonly written: RecordingBatch[] = [];
  failuresLeft = 0;
  /** Users to report as new seats, one list per successful write. */
  newSeats: string[][] = [];
  /** Runs while attempt n is in flight (after the recorder swapped its buffers). */
  during?: (n: number) => void;

  /** Spend totals per `<user> <period ms>`, as ai_spend_totals would hold them. */
  readonly totals = new Map<string, number>();

  async write(b: RecordingBatch): Promise<{ newSeats: string[]; spendTotals: SpendTotalRow[] }> {
    this.attempts.push(structuredClone(b));
    const n = this.attempts.length;
    await Promise.resolve();
    this.during?.(n);
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('Connection terminated unexpectedly');
    }
    this.written.push(structuredClone(b));
    const changed = new Set<string>();
    for (const u of b.tokenUsages.filter((t) => t.cost_micros > 0)) {
      const key = `${u.spend_user_id} ${Date.parse(u.spend_period_start)}`;
      this.totals.set(key, (this.totals.get(key) ?? 0) + u.cost_micros);
      changed.add(key);
    }
    const spendTotals = [...changed].map((key) => {
      const [user_id, ms] = key.split(' ');
      return { user_id, period_start: new Date(Number(ms)), spend_micros: String(this.totals.get(key)) };
    });
    return { newSeats: this.newSeats.shift() ?? [], spendTotals };
  }
}

function setup() {
  const repo = new FakeRepo();
  const metrics = new GatewayMetrics({ registry: new Registry() } as unknown as MetricsService);
  const invalidations: AuthInvalidation[] = [];
  const invalidate = jest.fn(async (what: AuthInvalidation) => {
    invalidations.push(what);
  });
  const authenticator = { invalidate } as unknown as Authenticator;
  const rec = new InterceptionRecorder(repo as unknown as RecordingRepository, metrics, authenticator);
  return { repo, metrics, rec, invalidate, invalidations };
}

const value = async (m: { get(): Promise<{ values: { value: number }[] }> }) => (await m.get()).values[0]?.value ?? 0;

function start(n: number, user: string, ms: number, extra: Partial<InterceptionStart> = {}): InterceptionStart {
  return {
    id: id(n),
    initiatorId: user,
    apiKeyId: `key-${n}`,
    provider: 'openai',
    providerName: 'openai',
    model: 'gpt-4.1',
    client: 'Codex',
    userAgent: 'codex_cli_rs/0.46.0 (Mac OS 15.6.1; arm64) iTerm.app/3.6.1',
    metadata: { stream: true },
    startedAt: at(ms),
    ...extra,
  };
}

const USAGE: ObservedUsage = { providerResponseId: 'chatcmpl-1', input: 100, output: 30, cacheRead: 20, cacheWrite: 0, metadata: { reasoning_tokens: 5 } };

/** An unpriced usage by default: it adds no spend. */
const NO_COST: InterceptionEnd['cost'] = { micros: 0, priced: false, effectiveGroupId: null, userId: U1, periodStart: new Date('2025-10-01T00:00:00Z') };

function end(ms: number, extra: Partial<InterceptionEnd> = {}): InterceptionEnd {
  return { endedAt: at(ms), metadata: { upstream_status: 200 }, providerResponseId: 'chatcmpl-1', toolUses: [], cost: NO_COST, ...extra };
}

/** Runs a promise to its end while the fake clock moves; never throws. */
async function settle<T>(p: Promise<T>, ms = 60_000): Promise<{ ok: T } | { err: Error }> {
  const result = p.then(
    (ok) => ({ ok }),
    (err: Error) => ({ err }),
  );
  await jest.advanceTimersByTimeAsync(ms);
  return result;
}

/** Every row id of the written batches, by table. */
function writtenIds(batches: RecordingBatch[]) {
  const ids = (pick: (b: RecordingBatch) => { id: string }[]) => batches.flatMap((b) => pick(b).map((r) => r.id));
  return {
    interceptions: ids((b) => b.interceptions),
    ends: ids((b) => b.ends),
    tokenUsages: ids((b) => b.tokenUsages),
    userPrompts: ids((b) => b.userPrompts),
    toolUsages: ids((b) => b.toolUsages),
  };
}

/** An end row is only ever written in a batch after the one that wrote its interception. */
function expectEndsAfterTheirInterceptions(batches: RecordingBatch[]) {
  const written = new Set<string>();
  for (const [i, b] of batches.entries()) {
    const here = new Set(b.interceptions.map((r) => r.id));
    for (const e of b.ends) {
      // Not in this very batch (it would have been merged into the row), and written before.
      expect({ batch: i, end: e.id, inThisBatch: here.has(e.id), writtenBefore: written.has(e.id) }).toEqual({ batch: i, end: e.id, inThisBatch: false, writtenBefore: true });
    }
    for (const r of b.interceptions) written.add(r.id);
  }
}

beforeAll(() => {
  // The recorder warns on every failed write; the failures here are on purpose.
  Logger.overrideLogger(false);
});

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'], now: T0 + 60_000 });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('InterceptionRecorder: rows', () => {
  it('start and end before a write: one interception row, ended, metadata merged; no end row', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0));
    rec.end(id(1), end(3_250, {
      metadata: { upstream_status: 200, client_aborted: false },
      usage: USAGE,
      prompt: 'fix the failing test',
      toolUses: [
        { providerResponseId: 'chatcmpl-1', callId: 'call_a', tool: 'read_file', input: '{"path":"a.ts"}' },
        { providerResponseId: 'chatcmpl-1', callId: 'call_b', tool: 'list_dir', input: '{}' },
      ],
    }));
    expect(rec.pending()).toBe(1 + 1 + 1 + 2 + 1);
    await rec.flush();

    const created = iso(3_250);
    const expected: RecordingBatch = {
      interceptions: [
        {
          id: id(1),
          initiator_id: U1,
          api_key_id: 'key-1',
          provider: 'openai',
          provider_name: 'openai',
          model: 'gpt-4.1',
          client: 'Codex',
          user_agent: 'codex_cli_rs/0.46.0 (Mac OS 15.6.1; arm64) iTerm.app/3.6.1',
          metadata: { stream: true, upstream_status: 200, client_aborted: false },
          started_at: '2025-10-14T10:00:00.000Z',
          ended_at: '2025-10-14T10:00:03.250Z',
        },
      ],
      ends: [],
      tokenUsages: [
        {
          id: anyId(),
          interception_id: id(1),
          provider_response_id: 'chatcmpl-1',
          input_tokens: 100,
          output_tokens: 30,
          cache_read_input_tokens: 20,
          cache_write_input_tokens: 0,
          metadata: { reasoning_tokens: 5 },
          cost_micros: 0,
          priced: false,
          effective_group_id: null,
          spend_user_id: U1,
          spend_period_start: '2025-10-01T00:00:00.000Z',
          created_at: created,
        },
      ],
      userPrompts: [{ id: anyId(), interception_id: id(1), provider_response_id: 'chatcmpl-1', prompt: 'fix the failing test', metadata: {}, created_at: created }],
      toolUsages: [
        { id: anyId(), interception_id: id(1), provider_response_id: 'chatcmpl-1', provider_tool_call_id: 'call_a', tool: 'read_file', input: '{"path":"a.ts"}', metadata: {}, created_at: created },
        { id: anyId(), interception_id: id(1), provider_response_id: 'chatcmpl-1', provider_tool_call_id: 'call_b', tool: 'list_dir', input: '{}', metadata: {}, created_at: created },
      ],
      seats: [{ user_id: U1, used_at: '2025-10-14T10:00:00.000Z' }],
    };
    expect(repo.attempts).toEqual([expected]);
    expect(repo.written).toEqual([expected]);
    const childIds = [...expected.tokenUsages, ...expected.userPrompts, ...expected.toolUsages].length;
    const ids = writtenIds(repo.written);
    expect(new Set([...ids.tokenUsages, ...ids.userPrompts, ...ids.toolUsages]).size).toBe(childIds);
    expect(rec.pending()).toBe(0);
  });

  it('an end after its start was written: an ends row with only the end’s metadata', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0, { provider: 'anthropic', providerName: 'anthropic-corp', model: 'claude-sonnet-4-5', client: 'Claude Code', userAgent: 'claude-cli/2.0.14 (external, cli)', metadata: { stream: false } }));
    await rec.flush();
    rec.end(id(1), end(1_000, { metadata: { upstream_status: 529 }, providerResponseId: '' }));
    await rec.flush();
    expect(repo.written).toEqual([
      {
        interceptions: [
          {
            id: id(1),
            initiator_id: U1,
            api_key_id: 'key-1',
            provider: 'anthropic',
            provider_name: 'anthropic-corp',
            model: 'claude-sonnet-4-5',
            client: 'Claude Code',
            user_agent: 'claude-cli/2.0.14 (external, cli)',
            metadata: { stream: false },
            started_at: iso(0),
            ended_at: null,
          },
        ],
        ends: [],
        tokenUsages: [],
        userPrompts: [],
        toolUsages: [],
        seats: [{ user_id: U1, used_at: iso(0) }],
        },
      { interceptions: [], ends: [{ id: id(1), ended_at: iso(1_000), metadata: { upstream_status: 529 } }], tokenUsages: [], userPrompts: [], toolUsages: [], seats: [] },
    ]);
  });

  it('no usage, no prompt, no tools: only the interception', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0));
    rec.end(id(1), end(10, { metadata: { upstream_status: 0, upstream_error: 'TypeError: terminated' }, providerResponseId: '' }));
    await rec.flush();
    expect(repo.written).toHaveLength(1);
    expect(repo.written[0]).toMatchObject({ ends: [], tokenUsages: [], userPrompts: [], toolUsages: [] });
    expect(repo.written[0].interceptions[0]).toMatchObject({ ended_at: iso(10), metadata: { stream: true, upstream_status: 0, upstream_error: 'TypeError: terminated' } });
  });

  it('an end’s metadata overrides the start’s keys of the same name', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0, { metadata: { stream: true, note: 'start' } }));
    rec.end(id(1), end(5, { metadata: { note: 'end', upstream_status: 200 } }));
    await rec.flush();
    expect(repo.written[0].interceptions[0].metadata).toEqual({ stream: true, note: 'end', upstream_status: 200 });
  });

  it('seats: one row per user, with the latest time (starts in order)', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0));
    rec.start(start(2, U2, 1_000));
    rec.start(start(3, U1, 2_000));
    rec.start(start(4, U1, 3_000));
    await rec.flush();
    expect(repo.written[0].seats).toEqual([
      { user_id: U1, used_at: iso(3_000) },
      { user_id: U2, used_at: iso(1_000) },
    ]);
    expect(rec.pending()).toBe(0);
  });

  // BUG: the seat of a user keeps the time of the LAST start() call, not the latest time. Input:
  // start(U1, startedAt 10:00:05) then start(U1, startedAt 10:00:01) in one batch. Expected seat
  // used_at 10:00:05.000Z (the latest, as the repository's GREATEST(...) keeps across batches);
  // actual 10:00:01.000Z. (InterceptionRecorder.start: `this.seats.set(initiatorId, at)`; the same in
  // requeue, where a seat arriving during a failed write replaces a later one from the failed batch.)
  it('seats: the latest time wins even when starts arrive out of order', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 5_000));
    rec.start(start(2, U1, 1_000));
    await rec.flush();
    expect(repo.written[0].seats).toEqual([{ user_id: U1, used_at: iso(5_000) }]);
  });

  it('nothing queued: flush writes nothing', async () => {
    const { repo, rec } = setup();
    await rec.flush();
    expect(repo.attempts).toEqual([]);
  });
});

describe('InterceptionRecorder: failed writes', () => {
  it('fails twice then succeeds: every row written exactly once, rows that arrived meanwhile included, 2 failures counted', async () => {
    const { repo, rec, metrics } = setup();
    rec.start(start(1, U1, 0));
    rec.end(id(1), end(500, { usage: USAGE }));
    rec.start(start(2, U2, 1_000));
    repo.failuresLeft = 2;
    repo.during = (n) => {
      if (n === 1) {
        // The end of an interception that is in the failing batch, and a new interception.
        rec.end(id(2), end(1_500, { prompt: 'second prompt', providerResponseId: 'resp_2' }));
        rec.start(start(3, U1, 2_000));
      }
      if (n === 2) {
        rec.end(id(3), end(2_500, { usage: { ...USAGE, providerResponseId: 'msg_3', input: 7 }, providerResponseId: 'msg_3', toolUses: [{ providerResponseId: 'msg_3', callId: 'toolu_1', tool: 'Read', input: '{}' }] }));
        rec.start(start(4, U3, 3_000));
      }
    };

    const r = await settle(rec.flush());
    expect(r).toEqual({ ok: undefined });
    expect(repo.attempts).toHaveLength(3);
    expect(repo.written).toHaveLength(1);
    expect(await value(metrics.recordingFailures)).toBe(2);
    expect(await value(metrics.recordingPending)).toBe(0);
    expect(rec.pending()).toBe(0);

    const [b] = repo.written;
    // The failed batch's interceptions first, then those that arrived meanwhile; every end merged.
    expect(b.interceptions.map((i) => [i.id, i.ended_at, i.metadata])).toEqual([
      [id(1), iso(500), { stream: true, upstream_status: 200 }],
      [id(2), iso(1_500), { stream: true, upstream_status: 200 }],
      [id(3), iso(2_500), { stream: true, upstream_status: 200 }],
      [id(4), null, { stream: true }],
    ]);
    expect(b.ends).toEqual([]);
    expect(b.tokenUsages.map((t) => [t.interception_id, t.provider_response_id, t.input_tokens])).toEqual([
      [id(1), 'chatcmpl-1', 100],
      [id(3), 'msg_3', 7],
    ]);
    expect(b.userPrompts.map((p) => [p.interception_id, p.provider_response_id, p.prompt])).toEqual([[id(2), 'resp_2', 'second prompt']]);
    expect(b.toolUsages.map((t) => [t.interception_id, t.provider_tool_call_id, t.tool])).toEqual([[id(3), 'toolu_1', 'Read']]);
    expect([...b.seats].sort((x, y) => x.user_id.localeCompare(y.user_id))).toEqual([
      { user_id: U1, used_at: iso(2_000) },
      { user_id: U2, used_at: iso(1_000) },
      { user_id: U3, used_at: iso(3_000) },
    ]);

    // Exactly once: the child rows keep their ids across retries, nothing is duplicated.
    const ids = writtenIds(repo.written);
    for (const list of Object.values(ids)) expect(new Set(list).size).toBe(list.length);
    expect(repo.attempts[0].tokenUsages[0].id).toBe(b.tokenUsages[0].id);
  });

  it('a failed batch’s children go back in front of the children that arrived meanwhile', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0));
    rec.end(id(1), end(1, { prompt: 'one' }));
    repo.failuresLeft = 1;
    repo.during = (n) => {
      if (n === 1) {
        rec.start(start(2, U1, 2));
        rec.end(id(2), end(3, { prompt: 'two' }));
      }
    };
    await settle(rec.flush());
    expect(repo.written).toHaveLength(1);
    expect(repo.written[0].userPrompts.map((p) => p.prompt)).toEqual(['one', 'two']);
    expect(repo.written[0].interceptions.map((i) => i.id)).toEqual([id(1), id(2)]);
  });

  it('ends that cannot be merged stay end rows, always after the batch that wrote their interception', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0));
    await rec.flush(); // interception 1 written, still open
    rec.start(start(2, U2, 10));
    rec.end(id(1), end(20)); // its start is gone: an end row
    repo.failuresLeft = 2;
    // Attempt 1 was the first flush; attempts 2 and 3 fail.
    repo.during = (n) => {
      if (n === 2) rec.end(id(2), end(30)); // merged into the failed batch's row on requeue
      if (n === 3) {
        rec.start(start(3, U1, 40));
        rec.end(id(3), end(50));
      }
    };
    await settle(rec.flush());
    expect(repo.written.map((b) => ({ interceptions: b.interceptions.map((i) => [i.id, i.ended_at]), ends: b.ends.map((e) => [e.id, e.ended_at]) }))).toEqual([
      { interceptions: [[id(1), null]], ends: [] },
      {
        interceptions: [
          [id(2), iso(30)],
          [id(3), iso(50)],
        ],
        ends: [[id(1), iso(20)]],
      },
    ]);
    expectEndsAfterTheirInterceptions(repo.written);
  });

  it('an end arriving while its interception is being written (successfully) becomes an end row of the next batch', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0));
    repo.during = (n) => {
      if (n === 1) rec.end(id(1), end(5));
    };
    await rec.flush();
    expect(repo.written.map((b) => ({ i: b.interceptions.map((r) => r.ended_at), e: b.ends.map((r) => r.id) }))).toEqual([
      { i: [null], e: [] },
      { i: [], e: [id(1)] },
    ]);
    expectEndsAfterTheirInterceptions(repo.written);
  });

  it('a seat that arrived during a failed write replaces the failed batch’s seat of the same user', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0));
    repo.failuresLeft = 1;
    repo.during = (n) => {
      if (n === 1) rec.start(start(2, U1, 9_000));
    };
    await settle(rec.flush());
    expect(repo.written.map((b) => b.seats)).toEqual([[{ user_id: U1, used_at: iso(9_000) }]]);
  });

  it('flush() throws after its deadline when the repository keeps failing; the rows stay queued', async () => {
    const { repo, rec, metrics } = setup();
    rec.start(start(1, U1, 0));
    rec.end(id(1), end(1, { usage: USAGE }));
    repo.failuresLeft = Number.POSITIVE_INFINITY;

    const r = await settle(rec.flush(250));
    expect(r).toEqual({ err: new Error('AI Bridge recording: 3 rows could not be written') });
    // Backoff 100 ms, then 200 ms cut to the 150 ms left: attempts at 0, 100 and 250 ms.
    expect(repo.attempts).toHaveLength(3);
    expect(await value(metrics.recordingFailures)).toBe(3);
    expect(rec.pending()).toBe(3);
    expect(await value(metrics.recordingPending)).toBe(3);

    // The database comes back: the same rows are written once.
    repo.failuresLeft = 0;
    expect(await settle(rec.flush())).toEqual({ ok: undefined });
    expect(repo.written).toHaveLength(1);
    expect(repo.written[0].tokenUsages.map((t) => t.id)).toEqual([repo.attempts[0].tokenUsages[0].id]);
    expect(rec.pending()).toBe(0);
  });

  it('a deadline of 0 gives up after one attempt', async () => {
    const { repo, rec } = setup();
    rec.start(start(1, U1, 0));
    repo.failuresLeft = Number.POSITIVE_INFINITY;
    expect(await settle(rec.flush(0))).toEqual({ err: new Error('AI Bridge recording: 2 rows could not be written') });
    expect(repo.attempts).toHaveLength(1);
  });
});

describe('InterceptionRecorder: new seats', () => {
  it('each new seat the repository reports invalidates that user’s cached auth once', async () => {
    const { repo, rec, invalidate, invalidations } = setup();
    repo.newSeats = [[U1, U2]];
    rec.start(start(1, U1, 0));
    rec.start(start(2, U2, 1));
    rec.start(start(3, U1, 2));
    await rec.flush();
    expect(invalidate).toHaveBeenCalledTimes(2);
    expect(invalidations).toEqual([{ userId: U1 }, { userId: U2 }]);
  });

  it('no new seats: no invalidation; a failed write invalidates nothing', async () => {
    const { repo, rec, invalidate } = setup();
    rec.start(start(1, U1, 0));
    repo.failuresLeft = 1;
    repo.newSeats = [[]];
    await settle(rec.flush());
    expect(repo.attempts).toHaveLength(2);
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('an invalidation that fails does not fail the write', async () => {
    const { repo, rec, invalidate } = setup();
    invalidate.mockImplementation(async () => {
      throw new Error('pubsub down');
    });
    repo.newSeats = [[U1]];
    rec.start(start(1, U1, 0));
    await expect(rec.flush()).resolves.toBeUndefined();
    await jest.advanceTimersByTimeAsync(0);
    expect(invalidate).toHaveBeenCalledWith({ userId: U1 });
    expect(rec.pending()).toBe(0);
  });
});

describe('InterceptionRecorder: spend leaving the queue', () => {
  const OCT = new Date('2025-10-01T00:00:00Z');
  const NOV = new Date('2025-11-01T00:00:00Z');
  const cost = (micros: number, userId = U1, periodStart = OCT): InterceptionEnd['cost'] => ({ micros, priced: true, effectiveGroupId: null, userId, periodStart });

  it('is reported once written, summed per user and period, with the totals the write returned', async () => {
    const { rec } = setup();
    const reports: WrittenSpend[][] = [];
    rec.onSpendWritten((w) => reports.push(w));
    rec.start(start(1, U1, 0));
    rec.end(id(1), end(1, { usage: USAGE, cost: cost(40) }));
    rec.start(start(2, U1, 2));
    rec.end(id(2), end(3, { usage: USAGE, cost: cost(2) }));
    rec.start(start(3, U2, 4));
    rec.end(id(3), end(5, { usage: USAGE, cost: cost(7, U2, NOV) }));
    rec.start(start(4, U3, 6));
    rec.end(id(4), end(7, { usage: USAGE, cost: cost(0, U3) })); // costs nothing: not reported
    await rec.flush();
    expect(reports).toEqual([
      [
        { userId: U1, periodStart: OCT.getTime(), micros: 42, totalMicros: 42 },
        { userId: U2, periodStart: NOV.getTime(), micros: 7, totalMicros: 7 },
      ],
    ]);
  });

  it('a failed write reports nothing; the retry that succeeds reports it once', async () => {
    const { repo, rec } = setup();
    const reports: WrittenSpend[][] = [];
    rec.onSpendWritten((w) => reports.push(w));
    rec.start(start(1, U1, 0));
    rec.end(id(1), end(1, { usage: USAGE, cost: cost(5) }));
    repo.failuresLeft = 2;
    await settle(rec.flush());
    expect(repo.attempts).toHaveLength(3);
    expect(reports).toEqual([[{ userId: U1, periodStart: OCT.getTime(), micros: 5, totalMicros: 5 }]]);
  });
});

describe('InterceptionRecorder: when writes happen', () => {
  it('500 queued rows are written at once, without a timer; one write at a time', async () => {
    const { repo, rec } = setup();
    // Each start is an interception row; the user's seat is one more row.
    for (let n = 1; n <= 498; n++) rec.start(start(n, U1, n));
    expect(repo.attempts).toHaveLength(0);
    rec.start(start(499, U1, 499));
    expect(repo.attempts).toHaveLength(1);
    expect(repo.attempts[0].interceptions).toHaveLength(499);
    // While that write is in flight, 600 more rows do not start another one.
    for (let n = 500; n <= 1_099; n++) rec.start(start(n, U2, n));
    expect(repo.attempts).toHaveLength(1);
    await rec.flush();
    expect(repo.attempts).toHaveLength(2);
    const ids = writtenIds(repo.written).interceptions;
    expect(ids).toHaveLength(1_099);
    expect(new Set(ids).size).toBe(1_099);
  });

  it('after a failure, the 500-row trigger waits for the backoff to pass', async () => {
    const { repo, rec } = setup();
    repo.failuresLeft = 1;
    for (let n = 1; n <= 499; n++) rec.start(start(n, U1, n));
    await jest.advanceTimersByTimeAsync(0);
    expect(repo.attempts).toHaveLength(1); // failed; retry not before 100 ms
    rec.start(start(500, U1, 500));
    expect(repo.attempts).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(100);
    rec.start(start(501, U1, 501));
    expect(repo.attempts).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(0);
    expect(writtenIds(repo.written).interceptions).toHaveLength(501);
  });

  it('an explicit flush does not wait for the backoff, and clears it', async () => {
    const { repo, rec } = setup();
    repo.failuresLeft = 1;
    for (let n = 1; n <= 499; n++) rec.start(start(n, U1, n));
    await jest.advanceTimersByTimeAsync(0);
    expect(repo.attempts).toHaveLength(1); // failed; the next automatic write not before 100 ms
    await rec.flush(); // at once
    expect(repo.attempts).toHaveLength(2);
    expect(rec.pending()).toBe(0);
    // Still within the old backoff window: 500 new rows are written at once again.
    for (let n = 500; n <= 998; n++) rec.start(start(n, U2, n));
    expect(repo.attempts).toHaveLength(3);
    await rec.flush();
    expect(writtenIds(repo.written).interceptions).toHaveLength(998);
  });

  it('the timer writes every 100 ms, skips while nothing is queued, and backs off after failures', async () => {
    const { repo, rec } = setup();
    rec.onModuleInit();
    try {
      rec.start(start(1, U1, 0));
      await jest.advanceTimersByTimeAsync(99);
      expect(repo.attempts).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1); // t = 100
      expect(repo.attempts).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(500); // nothing queued: no writes
      expect(repo.attempts).toHaveLength(1);

      repo.failuresLeft = 2;
      rec.start(start(2, U1, 1)); // t = 600
      await jest.advanceTimersByTimeAsync(100); // t = 700: fails, retry at 800
      expect(repo.attempts).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(100); // t = 800: fails again, retry at 1000
      expect(repo.attempts).toHaveLength(3);
      await jest.advanceTimersByTimeAsync(100); // t = 900: still backing off
      expect(repo.attempts).toHaveLength(3);
      await jest.advanceTimersByTimeAsync(100); // t = 1000: succeeds
      expect(repo.attempts).toHaveLength(4);
      expect(writtenIds(repo.written).interceptions).toEqual([id(1), id(2)]);
    } finally {
      await rec.beforeApplicationShutdown();
    }
    // The timer is gone: new rows wait for an explicit flush.
    rec.start(start(3, U1, 2));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(repo.attempts).toHaveLength(4);
  });

  it('shutdown writes what is left', async () => {
    const { repo, rec } = setup();
    rec.onModuleInit();
    rec.start(start(1, U1, 0));
    await rec.beforeApplicationShutdown();
    expect(writtenIds(repo.written).interceptions).toEqual([id(1)]);
  });

  it('shutdown gives up after 10 s when the database is gone, without throwing', async () => {
    const { repo, rec } = setup();
    rec.onModuleInit();
    rec.start(start(1, U1, 0));
    repo.failuresLeft = Number.POSITIVE_INFINITY;
    expect(await settle(rec.beforeApplicationShutdown(), 30_000)).toEqual({ ok: undefined });
    expect(repo.written).toEqual([]);
    expect(rec.pending()).toBe(2);
  });

  it('the pending gauge follows the queue', async () => {
    const { rec, metrics } = setup();
    expect(await value(metrics.recordingPending)).toBe(0);
    rec.start(start(1, U1, 0));
    expect(await value(metrics.recordingPending)).toBe(2);
    rec.end(id(1), end(1, { usage: USAGE, prompt: 'p' }));
    expect(await value(metrics.recordingPending)).toBe(4);
    await rec.flush();
    expect(await value(metrics.recordingPending)).toBe(0);
  });
});
