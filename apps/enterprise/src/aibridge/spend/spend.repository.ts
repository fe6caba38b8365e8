import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '#db/prepared.js';
import { isoTimestamp } from '#db/sql.js';
import { EFFECTIVE_BUDGET_SQL, type EffectiveBudgetColumns } from '../budgets/budget.repository.js';

/** A member of a group with their effective budget and their spend in the period. */
export interface GroupSpendRow extends EffectiveBudgetColumns {
  user_id: string;
  username: string;
  spend_micros: string;
}

/** One token usage as exported (timestamps are RFC 3339 text, bigints are text). */
export interface SpendExportRow {
  interception_id: string;
  started_at: string;
  user_id: string;
  username: string;
  provider: string;
  provider_name: string;
  model: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_input_tokens: string;
  cache_write_input_tokens: string;
  cost_micros: string;
  priced: boolean;
  effective_group_id: string | null;
  /** Keyset cursor parts (not exported). */
  usage_id: string;
  usage_created_at: string;
}

/** Where the previous page of the export ended. */
export interface SpendExportCursor {
  startedAt: string;
  interceptionId: string;
  usageCreatedAt: string;
  usageId: string;
}

/** The SQL filter columns for `aibridge_interception` objects in the export query (alias i). */
export const EXPORT_INTERCEPTION_COLUMNS = { id: 'i.id', owner: 'i.initiator_id' };
/** The SQL filter columns for `group_member` objects in the group spend query (alias gme). */
export const SPEND_MEMBER_FILTER_COLUMNS = { id: 'gme.user_id', owner: 'gme.user_id', org: 'gme.organization_id' };

/** The group's members (no system users), each with their effective budget and period spend: one statement. */
const GROUP_SPEND_SQL = (authorized: string) => `
  SELECT gme.user_id, gme.user_username AS username, eb.*, COALESCE(s.spend_micros, 0) AS spend_micros
    FROM group_members_expanded gme
    LEFT JOIN LATERAL (${EFFECTIVE_BUDGET_SQL('gme.user_id')}) eb ON true
    LEFT JOIN ai_spend_totals s ON s.user_id = gme.user_id AND s.period_start = $2
   WHERE gme.group_id = $1 AND NOT gme.user_is_system AND (${authorized})
   ORDER BY lower(gme.user_username), gme.user_id`;

const EXPORT_SQL = (authorized: string, after: boolean) => `
  SELECT i.id AS interception_id, ${isoTimestamp('i.started_at')} AS started_at, u.id AS user_id, u.username,
         i.provider, i.provider_name, i.model,
         t.input_tokens::text, t.output_tokens::text, t.cache_read_input_tokens::text, t.cache_write_input_tokens::text,
         t.cost_micros::text, t.priced, t.effective_group_id,
         t.id AS usage_id, ${isoTimestamp('t.created_at')} AS usage_created_at
    FROM aibridge_interceptions i
    JOIN aibridge_token_usages t ON t.interception_id = i.id
    JOIN users u ON u.id = i.initiator_id
   WHERE i.started_at >= $2::timestamptz AND i.started_at < $3::timestamptz
     AND EXISTS (SELECT 1 FROM organization_members om WHERE om.organization_id = $1 AND om.user_id = i.initiator_id)
     AND (${authorized})
     ${after ? 'AND (i.started_at, i.id, t.created_at, t.id) > ($5::timestamptz, $6::uuid, $7::timestamptz, $8::uuid)' : ''}
   ORDER BY i.started_at, i.id, t.created_at, t.id
   LIMIT $4`;

/** The SQL of spend reporting: per-group member budgets and spend, and the usage export. */
@Injectable()
export class SpendRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** `authorized` filters the members the caller may see (see SPEND_MEMBER_FILTER_COLUMNS). */
  groupSpend(groupId: string, periodStart: Date, authorized: string): Promise<GroupSpendRow[]> {
    return preparedQuery<GroupSpendRow & Record<string, unknown>>(this.ds, GROUP_SPEND_SQL(authorized), [groupId, periodStart]);
  }

  /**
   * One page of the export, in (started_at, interception, usage created_at, usage id) order, after
   * `cursor` when given. `authorized` filters interceptions (see EXPORT_INTERCEPTION_COLUMNS).
   */
  exportPage(orgId: string, start: string, end: string, authorized: string, limit: number, cursor?: SpendExportCursor): Promise<SpendExportRow[]> {
    const params: unknown[] = [orgId, start, end, limit];
    if (cursor) params.push(cursor.startedAt, cursor.interceptionId, cursor.usageCreatedAt, cursor.usageId);
    return preparedQuery<SpendExportRow & Record<string, unknown>>(this.ds, EXPORT_SQL(authorized, cursor !== undefined), params);
  }
}
