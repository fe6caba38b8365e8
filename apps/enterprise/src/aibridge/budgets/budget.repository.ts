import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface EffectiveBudget {
  limitMicros: number;
  source: 'user_override' | 'group';
  groupId: string;
  groupName: string;
}

/** The budget state the gateway needs for one user, read in one round trip. */
@Injectable()
export class BudgetRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The user's effective budget (their override, else the highest budget of their groups, the
   * Everyone group included; none: unlimited) and their recorded spend in the period.
   */
  async budgetAndSpend(userId: string, periodStart: Date): Promise<{ budget?: EffectiveBudget; spendMicros: number }> {
    const rows: Array<{ kind: string; limit_micros: string | null; source: string | null; group_id: string | null; group_name: string | null }> = await this.ds.query(
      `(SELECT 'budget' AS kind, o.spend_limit_micros AS limit_micros, 'user_override' AS source, o.group_id, g.name AS group_name
          FROM user_ai_budget_overrides o JOIN groups g ON g.id = o.group_id WHERE o.user_id = $1)
       UNION ALL
       (SELECT 'budget', b.spend_limit_micros, 'group', b.group_id, g.name
          FROM group_ai_budgets b
          JOIN group_members_expanded m ON m.group_id = b.group_id AND m.user_id = $1
          JOIN groups g ON g.id = b.group_id
         ORDER BY b.spend_limit_micros DESC, b.group_id LIMIT 1)
       UNION ALL
       (SELECT 'spend', s.spend_micros, NULL, NULL, NULL FROM ai_spend_totals s WHERE s.user_id = $1 AND s.period_start = $2)`,
      [userId, periodStart],
    );
    const budgets = rows.filter((r) => r.kind === 'budget');
    const chosen = budgets.find((r) => r.source === 'user_override') ?? budgets[0];
    const spend = rows.find((r) => r.kind === 'spend');
    return {
      budget: chosen
        ? { limitMicros: Number(chosen.limit_micros), source: chosen.source as EffectiveBudget['source'], groupId: chosen.group_id!, groupName: chosen.group_name! }
        : undefined,
      spendMicros: spend ? Number(spend.limit_micros) : 0,
    };
  }
}
