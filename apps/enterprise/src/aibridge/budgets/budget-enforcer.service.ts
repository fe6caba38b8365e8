import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Pubsub } from '#db/pubsub.js';
import { ApiError } from '#httpapi/api-error.js';
import type { DeploymentConfig } from '#coderd/config/config.js';
import { DEPLOYMENT_CONFIG } from '#coderd/tokens.js';
import { BudgetRepository, type EffectiveBudget } from './budget.repository.js';
import { budgetPeriod } from './period.js';

const BUDGETS_CHANNEL = 'aibridge_budgets';
/**
 * How long a user's budget and recorded spend are trusted before being read again. Spend made
 * through this replica counts at once; spend made through other replicas shows up within this time.
 */
const BUDGET_STATE_TTL_MS = 5_000;
const MAX_USERS = 100_000;

interface UserState {
  periodStart: number;
  budget?: EffectiveBudget;
  /** Recorded spend: the database's total, or what this replica settled since, whichever is more. */
  settled: number;
  /** Estimated cost of this replica's requests still in flight. */
  reserved: number;
  loadedAt: number;
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
 * AI budget enforcement on the gateway's path, in memory: one database read per user every few
 * seconds, nothing per request. A request is admitted only when the user's recorded spend plus the
 * estimates of their requests in flight plus its own estimate stays within the limit, so concurrent
 * requests cannot overshoot by more than how far their estimates fall short.
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
    await this.pubsub.subscribe(BUDGETS_CHANNEL, (payload) => this.drop(payload || undefined));
  }

  /** Budgets changed: forget what is cached (one user's, or everyone's) here and on every replica. */
  async invalidate(userId?: string): Promise<void> {
    this.drop(userId);
    await this.pubsub.publish(BUDGETS_CHANNEL, userId ?? '');
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
      const limit = budget.limitMicros;
      if (state.settled >= limit || state.settled + state.reserved + estimateMicros > limit) {
        throw this.exceeded(budget, state, estimateMicros, period.end);
      }
    }
    state.reserved += estimateMicros;
    return { userId, periodStart: period.start, micros: estimateMicros, budget };
  }

  /** The request is over: its reservation goes, its real cost counts. */
  settle(r: Reservation, costMicros: number): void {
    const state = this.states.get(r.userId);
    if (!state || state.periodStart !== r.periodStart.getTime()) return;
    state.reserved = Math.max(0, state.reserved - r.micros);
    state.settled += costMicros;
  }

  private exceeded(b: EffectiveBudget, s: UserState, estimate: number, resetsAt: Date): ApiError {
    const which = b.source === 'user_override' ? `your budget override (group "${b.groupName}")` : `the budget of group "${b.groupName}"`;
    const spent = `${dollars(s.settled)} spent${s.reserved > 0 ? ` and ${dollars(s.reserved)} reserved by requests in progress` : ''}`;
    const over = s.settled >= b.limitMicros ? '' : ` This request could cost up to ${dollars(estimate)}.`;
    return new ApiError(
      403,
      `AI budget exceeded: ${which} allows ${dollars(b.limitMicros)} per ${this.config.aibridge.budgetPeriod}; ${spent}. It resets at ${resetsAt.toISOString()}.${over}`,
    );
  }

  private async state(userId: string, periodStart: number, now: number): Promise<UserState> {
    const cached = this.states.get(userId);
    if (cached && cached.periodStart === periodStart && now - cached.loadedAt < BUDGET_STATE_TTL_MS) return cached;
    let pending = this.loading.get(userId);
    if (!pending) {
      pending = this.load(userId, periodStart, now, cached).finally(() => this.loading.delete(userId));
      this.loading.set(userId, pending);
    }
    return pending;
  }

  private async load(userId: string, periodStart: number, now: number, previous: UserState | undefined): Promise<UserState> {
    const { budget, spendMicros } = await this.repo.budgetAndSpend(userId, new Date(periodStart));
    const samePeriod = previous?.periodStart === periodStart;
    const state: UserState = {
      periodStart,
      budget,
      // Spend settled here may not be written yet; other replicas' spend is only in the database.
      settled: samePeriod ? Math.max(spendMicros, previous.settled) : spendMicros,
      reserved: samePeriod ? previous.reserved : 0,
      loadedAt: now,
    };
    if (this.states.size >= MAX_USERS && !this.states.has(userId)) this.states.delete(this.states.keys().next().value!);
    this.states.set(userId, state);
    return state;
  }

  private drop(userId: string | undefined): void {
    if (userId) this.states.delete(userId);
    else this.states.clear();
  }
}
