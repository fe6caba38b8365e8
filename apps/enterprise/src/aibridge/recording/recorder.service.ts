import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ObservedToolUse, ObservedUsage } from '../gateway/wire/types.js';
import { Authenticator } from '#coderd/auth/authenticator.service.js';
import { GatewayMetrics } from '../gateway/gateway-metrics.js';
import { RecordingRepository, type SpendTotalRow } from './recording.repository.js';
import { batchSize, type InterceptionEndRow, type InterceptionRow, type RecordingBatch, type TokenUsageRow, type WrittenSpend } from './recording.types.js';

export interface InterceptionStart {
  id: string;
  initiatorId: string;
  apiKeyId: string;
  provider: string;
  providerName: string;
  model: string;
  client: string;
  userAgent: string;
  metadata: Record<string, unknown>;
  startedAt: Date;
}

export interface InterceptionEnd {
  endedAt: Date;
  /** Merged into the interception's metadata. */
  metadata: Record<string, unknown>;
  usage?: ObservedUsage;
  prompt?: string;
  providerResponseId: string;
  toolUses: ObservedToolUse[];
  /** What the usage cost and whose budget it counts against. */
  cost: { micros: number; priced: boolean; effectiveGroupId: string | null; userId: string; periodStart: Date };
}

const FLUSH_INTERVAL_MS = 100;
/** A batch this large is written at once instead of waiting for the timer. */
const FLUSH_AT = 500;
const MAX_BACKOFF_MS = 5_000;
/** Rows held while the database refuses writes; beyond this the oldest are dropped (and counted). */
const MAX_PENDING = 500_000;
const SHUTDOWN_DEADLINE_MS = 10_000;

const emptyBatch = (): RecordingBatch => ({ interceptions: [], ends: [], tokenUsages: [], userPrompts: [], toolUsages: [], seats: [] });

/**
 * Records interceptions off the request path: calls only queue rows; a timer writes them in
 * batches (one transaction each). A failed write keeps its rows, counts a failure and is retried
 * with backoff; shutdown writes whatever is left before the database goes away.
 */
@Injectable()
export class InterceptionRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly log = new Logger('aibridge-recorder');
  /** Interceptions not written yet; an end arriving before the write completes the same row. */
  private starts = new Map<string, InterceptionRow>();
  private rest = emptyBatch();
  private seats = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private backoffMs = 0;
  private retryAt = 0;
  private readonly spendListeners = new Set<(spend: WrittenSpend[]) => void>();

  constructor(
    private readonly repo: RecordingRepository,
    private readonly metrics: GatewayMetrics,
    private readonly authenticator: Authenticator,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  start(s: InterceptionStart): void {
    const at = s.startedAt.toISOString();
    this.starts.set(s.id, {
      id: s.id,
      initiator_id: s.initiatorId,
      api_key_id: s.apiKeyId,
      provider: s.provider,
      provider_name: s.providerName,
      model: s.model,
      client: s.client,
      user_agent: s.userAgent,
      metadata: s.metadata,
      started_at: at,
      ended_at: null,
    });
    // The first interception gives the user an AI seat; later ones move last_used_at.
    this.noteSeat(s.initiatorId, at);
    this.queued();
  }

  end(id: string, e: InterceptionEnd): void {
    const at = e.endedAt.toISOString();
    const pending = this.starts.get(id);
    if (pending) {
      pending.ended_at = at;
      pending.metadata = { ...pending.metadata, ...e.metadata };
    } else {
      this.rest.ends.push({ id, ended_at: at, metadata: e.metadata } satisfies InterceptionEndRow);
    }
    const rid = e.providerResponseId;
    if (e.usage) {
      const u = e.usage;
      this.rest.tokenUsages.push({
        id: randomUUID(), interception_id: id, provider_response_id: rid, input_tokens: u.input, output_tokens: u.output,
        cache_read_input_tokens: u.cacheRead, cache_write_input_tokens: u.cacheWrite, metadata: u.metadata, created_at: at,
        cost_micros: e.cost.micros, priced: e.cost.priced, effective_group_id: e.cost.effectiveGroupId,
        spend_user_id: e.cost.userId, spend_period_start: e.cost.periodStart.toISOString(),
      });
    }
    if (e.prompt !== undefined) {
      this.rest.userPrompts.push({ id: randomUUID(), interception_id: id, provider_response_id: rid, prompt: e.prompt, metadata: {}, created_at: at });
    }
    for (const t of e.toolUses) {
      this.rest.toolUsages.push({
        id: randomUUID(), interception_id: id, provider_response_id: rid, provider_tool_call_id: t.callId, tool: t.tool, input: t.input, metadata: {}, created_at: at,
      });
    }
    this.queued();
  }

  /** Tells `fn` whenever queued spend leaves the queue: written (with the new totals) or dropped. */
  onSpendWritten(fn: (spend: WrittenSpend[]) => void): void {
    this.spendListeners.add(fn);
  }

  /** Writes everything queued so far (retrying until it succeeds or `deadlineMs` passes). */
  async flush(deadlineMs = SHUTDOWN_DEADLINE_MS): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      await this.writing;
      if (this.pending() === 0) return;
      this.retryAt = 0;
      await this.write();
      if (this.pending() > 0 && Date.now() >= deadline) {
        throw new Error(`AI Bridge recording: ${this.pending()} rows could not be written`);
      }
      if (this.backoffMs > 0) await new Promise((r) => setTimeout(r, Math.min(this.backoffMs, Math.max(0, deadline - Date.now()))));
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    try {
      await this.flush();
    } catch (err) {
      this.log.error(String(err));
    }
  }

  /** Rows waiting to be written (including a batch being written now). */
  pending(): number {
    return this.starts.size + batchSize(this.rest) + this.seats.size;
  }

  private queued(): void {
    const n = this.pending();
    this.metrics.recordingPending.set(n);
    if (n >= FLUSH_AT) void this.tick();
  }

  private tick(): Promise<void> | undefined {
    if (this.writing || this.pending() === 0 || Date.now() < this.retryAt) return undefined;
    return this.write();
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing;
    const batch: RecordingBatch = { ...this.rest, interceptions: [...this.starts.values()], seats: [...this.seats].map(([user_id, used_at]) => ({ user_id, used_at })) };
    this.starts = new Map();
    this.rest = emptyBatch();
    this.seats = new Map();
    this.writing = this.repo
      .write(batch)
      .then(
        ({ newSeats, spendTotals }) => {
          this.backoffMs = 0;
          this.spendLeft(batch.tokenUsages, spendTotals);
          // A user's own cached record (/users/me) must show the seat they just got.
          for (const userId of newSeats) void this.authenticator.invalidate({ userId }).catch(() => undefined);
        },
        (err: unknown) => {
          this.metrics.recordingFailures.inc();
          this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, this.backoffMs * 2));
          this.retryAt = Date.now() + this.backoffMs;
          this.log.warn(`writing ${batchSize(batch)} AI Bridge rows failed (retrying in ${this.backoffMs} ms): ${String(err)}`);
          this.requeue(batch);
        },
      )
      .finally(() => {
        this.writing = undefined;
        this.metrics.recordingPending.set(this.pending());
      });
    return this.writing;
  }

  /** Puts a failed batch back in front of what arrived meanwhile. */
  private requeue(b: RecordingBatch): void {
    const later = this.rest;
    const laterStarts = this.starts;
    this.starts = new Map(b.interceptions.map((r) => [r.id, r]));
    for (const [id, r] of laterStarts) this.starts.set(id, r);
    // Ends that arrived for interceptions of the failed batch complete those rows directly.
    const ends: InterceptionEndRow[] = [];
    for (const e of [...b.ends, ...later.ends]) {
      const row = this.starts.get(e.id);
      if (row) {
        row.ended_at = e.ended_at;
        row.metadata = { ...row.metadata, ...e.metadata };
      } else ends.push(e);
    }
    this.rest = {
      interceptions: [],
      ends,
      tokenUsages: [...b.tokenUsages, ...later.tokenUsages],
      userPrompts: [...b.userPrompts, ...later.userPrompts],
      toolUsages: [...b.toolUsages, ...later.toolUsages],
      seats: [],
    };
    for (const s of b.seats) this.noteSeat(s.user_id, s.used_at);
    this.dropOverflow();
  }

  /** Sums the costs per user and period that just left the queue, with their new totals. */
  private spendLeft(usages: readonly TokenUsageRow[], totals: readonly SpendTotalRow[]): void {
    if (this.spendListeners.size === 0) return;
    const spend = new Map<string, WrittenSpend>();
    for (const u of usages) {
      if (u.cost_micros <= 0) continue;
      const periodStart = Date.parse(u.spend_period_start);
      const key = `${u.spend_user_id} ${periodStart}`;
      const w = spend.get(key) ?? { userId: u.spend_user_id, periodStart, micros: 0 };
      w.micros += u.cost_micros;
      spend.set(key, w);
    }
    for (const t of totals) {
      const w = spend.get(`${t.user_id} ${t.period_start.getTime()}`);
      if (w) w.totalMicros = Number(t.spend_micros);
    }
    if (spend.size === 0) return;
    const list = [...spend.values()];
    for (const fn of this.spendListeners) fn(list);
  }

  /** Keeps the latest use per user (ISO times of one format compare as strings). */
  private noteSeat(userId: string, at: string): void {
    const known = this.seats.get(userId);
    if (known === undefined || known < at) this.seats.set(userId, at);
  }

  private dropOverflow(): void {
    let over = this.pending() - MAX_PENDING;
    if (over <= 0) return;
    // Children first (the least valuable), oldest first; interceptions themselves are kept longest.
    for (const list of [this.rest.toolUsages, this.rest.userPrompts, this.rest.tokenUsages]) {
      const n = Math.min(over, list.length);
      const dropped = list.splice(0, n);
      if (list === this.rest.tokenUsages) this.spendLeft(dropped as TokenUsageRow[], []);
      this.metrics.recordingDropped.inc(n);
      over -= n;
    }
  }
}
