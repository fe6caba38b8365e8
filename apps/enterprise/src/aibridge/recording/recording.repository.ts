import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RecordingBatch } from './recording.types.js';

export interface SpendTotalRow {
  user_id: string;
  period_start: Date;
  /** bigint, as text. */
  spend_micros: string;
}

/**
 * Writes a batch in one transaction, each table with one statement over a JSON array (one round
 * trip per table however many rows). Inserts are idempotent, so a batch retried after an
 * ambiguous failure does not duplicate anything.
 */
@Injectable()
export class RecordingRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Writes the batch; returns the users who got their first AI seat from it and the spend totals it changed. */
  async write(b: RecordingBatch): Promise<{ newSeats: string[]; spendTotals: SpendTotalRow[] }> {
    return this.ds.transaction(async (tx) => {
      // Parents before children, starts before ends: the order the rows depend on each other.
      await rows(tx, b.interceptions, `
        INSERT INTO aibridge_interceptions (id, initiator_id, api_key_id, provider, provider_name, model, client, user_agent, metadata, started_at, ended_at)
        SELECT x.id, x.initiator_id, x.api_key_id, x.provider, x.provider_name, x.model, x.client, x.user_agent, x.metadata, x.started_at, x.ended_at
        FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, initiator_id uuid, api_key_id text, provider text, provider_name text, model text,
          client text, user_agent text, metadata jsonb, started_at timestamptz, ended_at timestamptz)
        ON CONFLICT (id) DO NOTHING`);
      await rows(tx, b.ends, `
        UPDATE aibridge_interceptions i SET ended_at = x.ended_at, metadata = i.metadata || x.metadata
        FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, ended_at timestamptz, metadata jsonb)
        WHERE i.id = x.id`);
      // A usage adds its cost to the user's period total only when its row is new, so a batch
      // written again after an ambiguous failure counts nothing twice.
      const totals = await rows<SpendTotalRow>(tx, b.tokenUsages, `
        WITH input AS (
          SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, interception_id uuid, provider_response_id text, input_tokens bigint,
            output_tokens bigint, cache_read_input_tokens bigint, cache_write_input_tokens bigint, metadata jsonb, created_at timestamptz,
            cost_micros bigint, priced boolean, effective_group_id uuid, spend_user_id uuid, spend_period_start timestamptz)
        ), inserted AS (
          INSERT INTO aibridge_token_usages (id, interception_id, provider_response_id, input_tokens, output_tokens,
            cache_read_input_tokens, cache_write_input_tokens, metadata, created_at, cost_micros, priced, effective_group_id)
          SELECT id, interception_id, provider_response_id, input_tokens, output_tokens, cache_read_input_tokens,
            cache_write_input_tokens, metadata, created_at, cost_micros, priced, effective_group_id FROM input
          ON CONFLICT (id) DO NOTHING
          RETURNING id, cost_micros
        )
        INSERT INTO ai_spend_totals (user_id, period_start, spend_micros, updated_at)
        SELECT i.spend_user_id, i.spend_period_start, sum(n.cost_micros), now()
        FROM inserted n JOIN input i ON i.id = n.id
        WHERE n.cost_micros > 0
        GROUP BY i.spend_user_id, i.spend_period_start
        ON CONFLICT (user_id, period_start) DO UPDATE SET spend_micros = ai_spend_totals.spend_micros + EXCLUDED.spend_micros, updated_at = now()
        RETURNING user_id, period_start, spend_micros`);
      await rows(tx, b.userPrompts, `
        INSERT INTO aibridge_user_prompts (id, interception_id, provider_response_id, prompt, metadata, created_at)
        SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, interception_id uuid, provider_response_id text, prompt text,
          metadata jsonb, created_at timestamptz)
        ON CONFLICT (id) DO NOTHING`);
      await rows(tx, b.toolUsages, `
        INSERT INTO aibridge_tool_usages (id, interception_id, provider_response_id, provider_tool_call_id, tool, input, metadata, created_at)
        SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, interception_id uuid, provider_response_id text,
          provider_tool_call_id text, tool text, input text, metadata jsonb, created_at timestamptz)
        ON CONFLICT (id) DO NOTHING`);
      const seats = await rows<{ user_id: string; inserted: boolean }>(tx, b.seats, `
        INSERT INTO ai_seat_state (user_id, first_used_at, last_used_at, last_event_type, last_event_description, updated_at)
        SELECT x.user_id, x.used_at, x.used_at, 'aibridge', 'AI Bridge interception', now()
        FROM jsonb_to_recordset($1::jsonb) AS x(user_id uuid, used_at timestamptz)
        ON CONFLICT (user_id) DO UPDATE SET
          last_used_at = GREATEST(ai_seat_state.last_used_at, EXCLUDED.last_used_at),
          last_event_type = EXCLUDED.last_event_type, last_event_description = EXCLUDED.last_event_description, updated_at = now()
        RETURNING user_id, (xmax = 0) AS inserted`);
      return { newSeats: seats.filter((s) => s.inserted).map((s) => s.user_id), spendTotals: totals };
    });
  }
}

/** Runs `sql` with the rows as its one JSON parameter; nothing to write, no round trip. */
async function rows<T = unknown>(tx: EntityManager, list: readonly object[], sql: string): Promise<T[]> {
  return list.length > 0 ? ((await tx.query(sql, [JSON.stringify(list)])) as T[]) : [];
}
