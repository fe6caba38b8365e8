// Budget periods in UTC: a calendar day, an ISO week (from Monday), or a calendar month.
import type { AiBudgetPeriod } from '#coderd/config/aibridge-config.js';

export interface Period {
  start: Date;
  end: Date;
}

export function budgetPeriod(kind: AiBudgetPeriod, now: Date): Period {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  if (kind === 'month') return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
  if (kind === 'day') return { start: new Date(Date.UTC(y, m, d)), end: new Date(Date.UTC(y, m, d + 1)) };
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  return { start: new Date(Date.UTC(y, m, d - sinceMonday)), end: new Date(Date.UTC(y, m, d - sinceMonday + 7)) };
}
