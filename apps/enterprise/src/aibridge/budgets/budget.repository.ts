import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface EffectiveBudget {
  limitMicros: number;
  source: 'user_override' | 'group';
  groupId: string;
  groupName: string;
}

/** The columns EFFECTIVE_BUDGET_SQL yields (bigints as text). */
export interface EffectiveBudgetColumns {
  limit_micros: string | null;
  source: EffectiveBudget['source'] | null;
  group_id: string | null;
  group_name: string | null;
}

/**
 * The one definition of a user's effective budget, as a LATERAL subquery over `userColumn`: their
 * override (even when lower), else the highest budget among their groups (the Everyone group
 * included; ties by group id), else no row (unlimited). The gateway and the spend reports share it.
 */
export const EFFECTIVE_BUDGET_SQL = (userColumn: string) => `
  SELECT c.limit_micros, c.source, c.group_id, c.group_name FROM (
    SELECT o.spend_limit_micros AS limit_micros, 'user_override' AS source, o.group_id, g.name AS group_name, 0 AS rank
      FROM user_ai_budget_overrides o JOIN groups g ON g.id = o.group_id WHERE o.user_id = ${userColumn}
    UNION ALL
    SELECT b.spend_limit_micros, 'group', b.group_id, g.name, 1
      FROM group_ai_budgets b
      JOIN group_members_expanded m ON m.group_id = b.group_id AND m.user_id = ${userColumn}
      JOIN groups g ON g.id = b.group_id
  ) c ORDER BY c.rank, c.limit_micros DESC, c.group_id LIMIT 1`;

export function toEffectiveBudget(r: EffectiveBudgetColumns): EffectiveBudget | undefined {
  if (r.limit_micros === null || r.source === null || r.group_id === null) return undefined;
  return { limitMicros: Number(r.limit_micros), source: r.source, groupId: r.group_id, groupName: r.group_name ?? '' };
}

/** The budget state the gateway needs for one user, read in one round trip. */
@Injectable()
export class BudgetRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The user's effective budget (undefined: unlimited) and their recorded spend in the period. */
  async budgetAndSpend(userId: string, periodStart: Date): Promise<{ budget?: EffectiveBudget; spendMicros: number }> {
    const [row]: Array<EffectiveBudgetColumns & { spend_micros: string }> = await this.ds.query(
      `SELECT eb.*, COALESCE(s.spend_micros, 0) AS spend_micros
         FROM (SELECT $1::uuid AS user_id) u
         LEFT JOIN LATERAL (${EFFECTIVE_BUDGET_SQL('u.user_id')}) eb ON true
         LEFT JOIN ai_spend_totals s ON s.user_id = u.user_id AND s.period_start = $2`,
      [userId, periodStart],
    );
    return { budget: toEffectiveBudget(row), spendMicros: Number(row.spend_micros) };
  }
}
