import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '#db/prepared.js';
import { isoTimestamp } from '#db/sql.js';

/** What authorization and auditing need to know about a group. */
export interface BudgetGroupRow {
  id: string;
  name: string;
  organization_id: string;
}

/** A group_ai_budgets row; times are RFC 3339 text, the limit a number. */
export interface GroupBudgetRow {
  group_id: string;
  spend_limit_micros: number;
  created_at: string;
  updated_at: string;
}

/** A user_ai_budget_overrides row. */
export interface OverrideRow {
  user_id: string;
  group_id: string;
  spend_limit_micros: number;
  created_at: string;
  updated_at: string;
}

/** An upserted row and the limit (and, for overrides, the group) it had before; null when it is new. */
export type Upserted<T> = T & { old_spend_limit_micros: number | null; old_group_id: string | null };

/** The override's membership rule (migration 1732800000000-ai-budgets), raised as check_violation. */
export const MUST_BE_GROUP_MEMBER = 'user_ai_budget_overrides_must_be_group_member';

const common = (t: string) =>
  `${t}.spend_limit_micros::float8 AS spend_limit_micros, ${isoTimestamp(`${t}.created_at`)} AS created_at, ${isoTimestamp(`${t}.updated_at`)} AS updated_at`;
/** Columns of a group_ai_budgets row aliased `t`. */
const budgetColumns = (t: string) => `${t}.group_id, ${common(t)}`;
/** Columns of a user_ai_budget_overrides row aliased `t`. */
const overrideColumns = (t: string) => `${t}.user_id, ${t}.group_id, ${common(t)}`;

/**
 * All SQL of the budget routes. Limits are read as float8: at most 10^12, well within the integers
 * a double holds exactly, and pg then returns numbers instead of bigint strings.
 */
@Injectable()
export class BudgetsApiRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async groupBudget(groupId: string): Promise<GroupBudgetRow | undefined> {
    const rows = await preparedQuery<GroupBudgetRow>(this.ds, `SELECT ${budgetColumns('b')} FROM group_ai_budgets b WHERE b.group_id = $1`, [groupId]);
    return rows[0];
  }

  /** Inserts or replaces the group's budget (created_at kept); fails with foreign_key_violation if the group is gone. */
  async upsertGroupBudget(groupId: string, limitMicros: number): Promise<Upserted<GroupBudgetRow>> {
    const rows = await preparedQuery<Upserted<GroupBudgetRow>>(
      this.ds,
      `WITH old AS (SELECT spend_limit_micros FROM group_ai_budgets WHERE group_id = $1)
       INSERT INTO group_ai_budgets AS b (group_id, spend_limit_micros) VALUES ($1, $2)
       ON CONFLICT (group_id) DO UPDATE SET spend_limit_micros = EXCLUDED.spend_limit_micros, updated_at = now()
       RETURNING ${budgetColumns('b')},
         (SELECT spend_limit_micros::float8 FROM old) AS old_spend_limit_micros, NULL::uuid AS old_group_id`,
      [groupId, limitMicros],
    );
    return rows[0];
  }

  /** The deleted budget, or undefined when the group had none. */
  async deleteGroupBudget(groupId: string): Promise<GroupBudgetRow | undefined> {
    const rows = await preparedQuery<GroupBudgetRow>(this.ds, `DELETE FROM group_ai_budgets b WHERE b.group_id = $1 RETURNING ${budgetColumns('b')}`, [groupId]);
    return rows[0];
  }

  async override(userId: string): Promise<OverrideRow | undefined> {
    const rows = await preparedQuery<OverrideRow>(this.ds, `SELECT ${overrideColumns('o')} FROM user_ai_budget_overrides o WHERE o.user_id = $1`, [userId]);
    return rows[0];
  }

  /**
   * Inserts or replaces the user's override (created_at kept). Fails with check_violation
   * (MUST_BE_GROUP_MEMBER) when the user is not in the group, foreign_key_violation when either is gone.
   */
  async upsertOverride(userId: string, groupId: string, limitMicros: number): Promise<Upserted<OverrideRow>> {
    const rows = await preparedQuery<Upserted<OverrideRow>>(
      this.ds,
      `WITH old AS (SELECT group_id, spend_limit_micros FROM user_ai_budget_overrides WHERE user_id = $1)
       INSERT INTO user_ai_budget_overrides AS o (user_id, group_id, spend_limit_micros) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE
         SET group_id = EXCLUDED.group_id, spend_limit_micros = EXCLUDED.spend_limit_micros, updated_at = now()
       RETURNING ${overrideColumns('o')},
         (SELECT spend_limit_micros::float8 FROM old) AS old_spend_limit_micros, (SELECT group_id FROM old) AS old_group_id`,
      [userId, groupId, limitMicros],
    );
    return rows[0];
  }

  /**
   * Deletes the user's override if `authorize` (called with the override's group, inside the
   * transaction, the row locked) does not throw. Returns what was deleted, or undefined if nothing was.
   */
  async deleteOverride(userId: string, authorize: (group: BudgetGroupRow) => void): Promise<(OverrideRow & { group: BudgetGroupRow }) | undefined> {
    return this.ds.transaction(async (tx) => {
      const rows: Array<OverrideRow & { name: string; organization_id: string }> = await tx.query(
        `SELECT ${overrideColumns('o')}, g.name, g.organization_id
           FROM user_ai_budget_overrides o JOIN groups g ON g.id = o.group_id
          WHERE o.user_id = $1 FOR UPDATE OF o`,
        [userId],
      );
      const row = rows[0];
      if (!row) return undefined;
      const { name, organization_id, ...override } = row;
      const group = { id: row.group_id, name, organization_id };
      authorize(group);
      await tx.query(`DELETE FROM user_ai_budget_overrides WHERE user_id = $1`, [userId]);
      return { ...override, group };
    });
  }
}
