import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { cappedCount } from '#db/capped-count.js';
import { isoTimestamp, limitOffset } from '#db/sql.js';
import type { AIBridgeToolUsage, AIBridgeTokenUsage, AIBridgeUserPrompt } from '#sdk/aibridge.js';

/** Filters on interceptions; every one is optional (absent = no filter). */
export interface InterceptionFilter {
  initiatorId?: string;
  provider?: string;
  model?: string;
  client?: string;
  /** Inclusive bounds on started_at, RFC 3339 text. */
  startedAfter?: string;
  startedBefore?: string;
}

export interface InterceptionPage {
  /** Continue strictly after this interception in (started_at DESC, id DESC) order. */
  afterId?: string;
  limit: number;
  offset: number;
}

/** An interception with its initiator (timestamps are RFC 3339 text). */
export interface InterceptionRow {
  id: string;
  api_key_id: string | null;
  initiator_id: string;
  initiator_username: string;
  initiator_name: string;
  initiator_avatar_url: string;
  provider: string;
  provider_name: string;
  model: string;
  client: string | null;
  metadata: Record<string, unknown>;
  started_at: string;
  ended_at: string | null;
}

/** The recorded rows of a page of interceptions, already in wire shape, each list in (created_at, id) order. */
export interface InterceptionChildren {
  token_usages: AIBridgeTokenUsage[];
  user_prompts: AIBridgeUserPrompt[];
  tool_usages: AIBridgeToolUsage[];
}

export type InterceptionListing =
  | { cursorFound: false }
  | { cursorFound: true; count: number; rows: InterceptionRow[]; children: InterceptionChildren };

/** The SQL filter columns for `aibridge_interception` objects in the queries below (alias i). */
export const INTERCEPTION_FILTER_COLUMNS = { id: 'i.id', owner: 'i.initiator_id' };

const INTERCEPTION_COLUMNS = `i.id, i.api_key_id, i.provider, i.provider_name, i.model, i.client, i.metadata,
  ${isoTimestamp('i.started_at')} AS started_at, ${isoTimestamp('i.ended_at')} AS ended_at,
  u.id AS initiator_id, u.username AS initiator_username, u.name AS initiator_name, u.avatar_url AS initiator_avatar_url`;

/**
 * Every child table of the page in one statement, as JSON (json_build_object keeps the wire key
 * order; bigint token counts become JSON numbers). Only the page's ids are read.
 */
const CHILDREN_SQL = `SELECT
  (SELECT COALESCE(json_agg(json_build_object(
      'id', t.id, 'interception_id', t.interception_id, 'provider_response_id', t.provider_response_id,
      'input_tokens', t.input_tokens, 'output_tokens', t.output_tokens,
      'cache_read_input_tokens', t.cache_read_input_tokens, 'cache_write_input_tokens', t.cache_write_input_tokens,
      'metadata', t.metadata, 'created_at', ${isoTimestamp('t.created_at')}) ORDER BY t.created_at, t.id), '[]'::json)
   FROM aibridge_token_usages t WHERE t.interception_id = ANY($1::uuid[])) AS token_usages,
  (SELECT COALESCE(json_agg(json_build_object(
      'id', p.id, 'interception_id', p.interception_id, 'provider_response_id', p.provider_response_id,
      'prompt', p.prompt, 'metadata', p.metadata, 'created_at', ${isoTimestamp('p.created_at')}) ORDER BY p.created_at, p.id), '[]'::json)
   FROM aibridge_user_prompts p WHERE p.interception_id = ANY($1::uuid[])) AS user_prompts,
  (SELECT COALESCE(json_agg(json_build_object(
      'id', x.id, 'interception_id', x.interception_id, 'provider_response_id', x.provider_response_id,
      'server_url', x.server_url, 'tool', x.tool, 'input', x.input, 'injected', x.injected,
      'invocation_error', x.invocation_error, 'metadata', x.metadata, 'created_at', ${isoTimestamp('x.created_at')})
      ORDER BY x.created_at, x.id), '[]'::json)
   FROM aibridge_tool_usages x WHERE x.interception_id = ANY($1::uuid[])) AS tool_usages`;

/** All SQL for reading AI Bridge interceptions. */
@Injectable()
export class InterceptionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * One page of the interceptions `authorized` lets through (alias i), newest first, with the count
   * of all that match (capped: COUNT_CAP) and the page's recorded rows: at most four statements whatever the page size,
   * all from one REPEATABLE READ snapshot so that count, page and children agree.
   */
  list(filter: InterceptionFilter, page: InterceptionPage, authorized: string): Promise<InterceptionListing> {
    return this.ds.transaction('REPEATABLE READ', async (db) => {
      await db.query('SET TRANSACTION READ ONLY');
      if (page.afterId && !(await this.visible(db, page.afterId, authorized))) return { cursorFound: false };

      const params: unknown[] = [];
      const p = (v: unknown) => (params.push(v), `$${params.length}`);
      const where = [`(${authorized})`];
      if (filter.initiatorId) where.push(`i.initiator_id = ${p(filter.initiatorId)}::uuid`);
      if (filter.provider !== undefined) where.push(`i.provider = ${p(filter.provider)}`);
      if (filter.model !== undefined) where.push(`i.model = ${p(filter.model)}`);
      if (filter.client !== undefined) where.push(`i.client = ${p(filter.client)}`);
      if (filter.startedAfter) where.push(`i.started_at >= ${p(filter.startedAfter)}::timestamptz`);
      if (filter.startedBefore) where.push(`i.started_at <= ${p(filter.startedBefore)}::timestamptz`);
      const matching = where.join(' AND ');
      const countParams = [...params];
      if (page.afterId) {
        const cursor = p(page.afterId);
        where.push(`(i.started_at, i.id) < ((SELECT c.started_at FROM aibridge_interceptions c WHERE c.id = ${cursor}::uuid), ${cursor}::uuid)`);
      }

      const count = await cappedCount(db, `FROM aibridge_interceptions i WHERE ${matching}`, countParams);
      // Nothing matches: no page to read (as Coder's logs do).
      if (count === 0) return { cursorFound: true, count, rows: [], children: { token_usages: [], user_prompts: [], tool_usages: [] } };
      const rows: InterceptionRow[] = await db.query(
        `SELECT ${INTERCEPTION_COLUMNS} FROM aibridge_interceptions i JOIN users u ON u.id = i.initiator_id
         WHERE ${where.join(' AND ')} ORDER BY i.started_at DESC, i.id DESC${limitOffset(page.limit, page.offset)}`,
        params,
      );
      const children = rows.length ? await this.children(db, rows.map((r) => r.id)) : { token_usages: [], user_prompts: [], tool_usages: [] };
      return { cursorFound: true, count, rows, children };
    });
  }

  private async visible(db: EntityManager, id: string, authorized: string): Promise<boolean> {
    const rows = await db.query(`SELECT 1 FROM aibridge_interceptions i WHERE i.id = $1 AND (${authorized})`, [id]);
    return rows.length > 0;
  }

  private async children(db: EntityManager, ids: string[]): Promise<InterceptionChildren> {
    const [row] = await db.query(CHILDREN_SQL, [ids]);
    return row;
  }
}
