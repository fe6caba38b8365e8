import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Pubsub } from '#db/pubsub.js';
import { ApiError } from '#httpapi/api-error.js';
import type { DeploymentConfig } from '#coderd/config/config.js';
import { DEPLOYMENT_CONFIG } from '#coderd/tokens.js';
import type { WrittenSpend } from '../recording/recording.types.js';
import { BudgetRepository, type EffectiveBudget } from './budget.repository.js';
import { budgetPeriod } from './period.js';

/** Announced by the database (migration AiBudgetNotify): a user id, or '' for everyone. */
const BUDGETS_CHANNEL = 'aibridge_budgets';
/** Announced by the database on every change of a spend total: `<user id> <period start ms> <micros>`. */
const SPEND_CHANNEL = 'aibridge_spend';
/**
 * Safety net only: every change to a budget or a spend total is announced by the database and
 * applied at once; this bounds how long a missed announcement could matter.
 */
const BUDGET_STATE_TTL_MS = 60_000;
const MAX_USERS = 100_000;

interface UserState {
  periodStart: number;
  budget?: EffectiveBudget;
  /** The budget was read after the last announced change to it (and within the TTL). */
  budgetFresh: boolean;
  loadedAt: number;
  /** Set while a read is in flight; an announcement clears it, so that read is not trusted. */
  loadToken?: object;
  /** The period's spend total in the database, as last read or announced (by any replica). */
  recorded: number;
  /** Spend this replica's requests settled that the recorder has not written yet. */
  unwritten: number;
  /** Estimated cost of this replica's requests still in flight. */
  reserved: number;
}

/** Held by an admitted request until its usage is known. */
export interface Reservation {
  userId: string;
  periodStart: Date;
  micros: number;
  budget?: EffectiveBudget;
}

const dollars = (micros: number) => `$${(micros / 1_000_000).toFixed(2)}`;

/**
 * AI budget enforcement on the gateway's path, in memory: nothing per request touches the
 * database. A user's budget is read once and kept until the database announces a change to it
 * (group budget, override, membership, deletion: triggers NOTIFY in the changing transaction);
 * spend totals follow the database's announcements from every replica. A request is admitted only
 * when recorded spend, plus what this replica settled but has not written yet, plus the estimates
 * of requests in flight and its own, stays within the limit.
 */
@Injectable()
export class BudgetEnforcer implements OnModuleInit {
  private readonly states = new Map<string, UserState>();
  private readonly loading = new Map<string, Promise<UserState>>();
  /** The time budgets are judged at; replaceable so that tests can move to the next period. */
  clock: () => Date = () => new Date();

  constructor(
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
    private readonly repo: BudgetRepository,
    private readonly pubsub: Pubsub,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.pubsub.subscribe(BUDGETS_CHANNEL, (payload) => this.budgetChanged(payload || undefined));
    await this.pubsub.subscribe(SPEND_CHANNEL, (payload) => this.spendAnnounced(payload));
    // Announcements made while the listener was away are lost: read everything again.
    this.pubsub.onReconnect(() => this.budgetChanged(undefined));
  }

  period(now = this.clock()) {
    return budgetPeriod(this.config.aibridge.budgetPeriod, now);
  }

  /** Admits a request estimated to cost `estimateMicros`, or refuses it with 403 naming the budget. */
  async reserve(userId: string, estimateMicros: number, now = this.clock()): Promise<Reservation> {
    const period = this.period(now);
    const state = await this.state(userId, period.start.getTime(), now.getTime());
    const budget = state.budget;
    if (budget) {
      const spent = state.recorded + state.unwritten;
      if (spent >= budget.limitMicros || spent + state.reserved + estimateMicros > budget.limitMicros) {
        throw this.exceeded(budget, state, estimateMicros, period.end);
      }
    }
    state.reserved += estimateMicros;
    return { userId, periodStart: period.start, micros: estimateMicros, budget };
  }

  /** The request is over: its reservation goes, its real cost counts until the recorder writes it. */
  settle(r: Reservation, costMicros: number): void {
    const state = this.current(r.userId, r.periodStart.getTime());
    if (!state) return;
    state.reserved = Math.max(0, state.reserved - r.micros);
    state.unwritten += costMicros;
  }

  /** The recorder wrote settled spend: it now counts as recorded (the total came back with it). */
  written(spend: readonly WrittenSpend[]): void {
    for (const w of spend) {
      const state = this.current(w.userId, w.periodStart);
      if (!state) continue;
      state.unwritten = Math.max(0, state.unwritten - w.micros);
      if (w.totalMicros !== undefined) state.recorded = Math.max(state.recorded, w.totalMicros);
    }
  }

  private exceeded(b: EffectiveBudget, s: UserState, estimate: number, resetsAt: Date): ApiError {
    const which = b.source === 'user_override' ? `your budget override (group "${b.groupName}")` : `the budget of group "${b.groupName}"`;
    const settled = s.recorded + s.unwritten;
    const spent = `${dollars(settled)} spent${s.reserved > 0 ? ` and ${dollars(s.reserved)} reserved by requests in progress` : ''}`;
    const over = settled >= b.limitMicros ? '' : ` This request could cost up to ${dollars(estimate)}.`;
    return new ApiError(
      403,
      `AI budget exceeded: ${which} allows ${dollars(b.limitMicros)} per ${this.config.aibridge.budgetPeriod}; ${spent}. It resets at ${resetsAt.toISOString()}.${over}`,
    );
  }

  private current(userId: string, periodStart: number): UserState | undefined {
    const state = this.states.get(userId);
    return state?.periodStart === periodStart ? state : undefined;
  }

  private async state(userId: string, periodStart: number, now: number): Promise<UserState> {
    let state = this.current(userId, periodStart);
    if (state?.budgetFresh && now - state.loadedAt < BUDGET_STATE_TTL_MS) return state;
    if (!state) {
      // Created before the read, so that announcements arriving during it are kept.
      state = { periodStart, budgetFresh: false, loadedAt: 0, recorded: 0, unwritten: 0, reserved: 0 };
      if (this.states.size >= MAX_USERS) this.states.delete(this.states.keys().next().value!);
      this.states.set(userId, state);
    }
    const key = `${userId}/${periodStart}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(userId, state, now).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(userId: string, state: UserState, now: number): Promise<UserState> {
    const token = {};
    state.loadToken = token;
    const { budget, spendMicros } = await this.repo.budgetAndSpend(userId, new Date(state.periodStart));
    state.budget = budget;
    state.recorded = Math.max(state.recorded, spendMicros);
    // A change announced while reading may not be in what was read: this answer is used once,
    // and the next request reads again.
    if (state.loadToken === token) {
      state.budgetFresh = true;
      state.loadedAt = now;
      state.loadToken = undefined;
    }
    return state;
  }

  private budgetChanged(userId: string | undefined): void {
    const stale = (s: UserState) => {
      s.budgetFresh = false;
      s.loadToken = undefined;
    };
    if (userId) {
      const state = this.states.get(userId);
      if (state) stale(state);
    } else {
      for (const state of this.states.values()) stale(state);
    }
  }

  private spendAnnounced(payload: string): void {
    const [userId, periodStart, total] = payload.split(' ');
    const state = this.current(userId, Number(periodStart));
    const micros = Number(total);
    if (state && Number.isFinite(micros)) state.recorded = Math.max(state.recorded, micros);
  }
}
