import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { cappedCount } from '#db/capped-count.js';
import { isoTimestamp, limitOffset } from '#db/sql.js';
import { AGENT_CONNECTION_TYPES, type ConnectionEvent } from '#coderd/connectionlog/connection-logger.js';
import type { UserRow } from '#coderd/users/users.repository.js';
import { MINIMAL_ORGANIZATION_JSON, userEmailed, userJson, userNamed } from '../log-sql.js';

/** Every filter is optional; users are given by id (`me`) or matched by name or email in SQL. */
export interface ConnectionLogFilter {
  organizationId?: string;
  workspaceOwnerId?: string;
  workspaceOwnerUsername?: string;
  workspaceOwnerEmail?: string;
  type?: string;
  userId?: string;
  username?: string;
  userEmail?: string;
  connectedAfter?: Date;
  connectedBefore?: Date;
  workspaceId?: string;
  connectionId?: string;
  status?: 'ongoing' | 'completed';
}

export interface ConnectionLogRow {
  id: string;
  connect_time: string;
  organization: { id: string; name: string; display_name: string; icon: string } | null;
  workspace_owner_id: string;
  workspace_owner_username: string;
  workspace_id: string;
  workspace_name: string;
  agent_name: string;
  ip: string | null;
  type: string;
  code: number | null;
  user_agent: string | null;
  user: UserRow | null;
  slug_or_port: string | null;
  connection_id: string | null;
  disconnect_time: string | null;
  disconnect_reason: string | null;
}

/** The organization column authorization filters on in the queries below (alias c). */
export const CONNECTION_LOG_ORG_COLUMN = 'c.organization_id';

const AGENT_TYPES = `(${AGENT_CONNECTION_TYPES.map((t) => `'${t}'`).join(', ')})`;

const PAGE_COLUMNS = `c.id, ${isoTimestamp('c.connect_time')} AS connect_time,
  ${MINIMAL_ORGANIZATION_JSON} AS organization,
  c.workspace_owner_id, COALESCE((SELECT ou.username FROM users ou WHERE ou.id = c.workspace_owner_id), '') AS workspace_owner_username,
  c.workspace_id, c.workspace_name, c.agent_name, host(c.ip) AS ip, c.type, c.code, c.user_agent,
  ${userJson('c.user_id')} AS "user",
  c.slug_or_port, c.connection_id, ${isoTimestamp('c.disconnect_time')} AS disconnect_time, c.disconnect_reason`;

/** All SQL of the connection log. */
@Injectable()
export class ConnectionLogsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Coder's upsert on (connection_id, workspace_id, agent_name): the first event of a session makes
   * the row (a disconnect seen first also sets the disconnect); later, only a disconnect writes, and
   * only into what is still empty, so repeats change nothing. A connect arriving late still moves the
   * connect time back to the earliest seen. Web requests have no connection id: a row each.
   */
  async upsert(e: ConnectionEvent): Promise<void> {
    const disconnect = e.action === 'disconnect';
    await this.ds.query(
      `INSERT INTO connection_logs (id, connect_time, organization_id, workspace_owner_id, workspace_id, workspace_name, agent_name,
         type, ip, code, user_agent, user_id, slug_or_port, connection_id, disconnect_time, disconnect_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::inet, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (connection_id, workspace_id, agent_name) DO UPDATE SET
         connect_time = CASE WHEN EXCLUDED.disconnect_time IS NULL THEN LEAST(connection_logs.connect_time, EXCLUDED.connect_time) ELSE connection_logs.connect_time END,
         disconnect_time = COALESCE(connection_logs.disconnect_time, EXCLUDED.disconnect_time),
         disconnect_reason = CASE WHEN connection_logs.disconnect_time IS NULL THEN EXCLUDED.disconnect_reason ELSE connection_logs.disconnect_reason END,
         code = CASE WHEN connection_logs.disconnect_time IS NULL AND EXCLUDED.disconnect_time IS NOT NULL THEN EXCLUDED.code ELSE connection_logs.code END`,
      [
        randomUUID(), e.time, e.organization_id, e.workspace_owner_id, e.workspace_id, e.workspace_name, e.agent_name,
        e.type, e.ip, e.code ?? null, e.user_agent ?? null, e.user_id ?? null, e.slug_or_port ?? null, e.connection_id,
        disconnect ? e.time : null, disconnect ? (e.reason ?? null) : null,
      ],
    );
  }

  /** A page of the rows `authorized` lets through (alias c), newest first, and the capped count. */
  async list(filter: ConnectionLogFilter, page: { limit: number; offset: number }, authorized: string): Promise<{ count: number; rows: ConnectionLogRow[] }> {
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    const where = [`(${authorized})`];
    if (filter.organizationId) where.push(`c.organization_id = ${p(filter.organizationId)}::uuid`);
    if (filter.workspaceOwnerId) where.push(`c.workspace_owner_id = ${p(filter.workspaceOwnerId)}::uuid`);
    if (filter.workspaceOwnerUsername !== undefined) where.push(userNamed('c.workspace_owner_id', p(filter.workspaceOwnerUsername)));
    if (filter.workspaceOwnerEmail !== undefined) where.push(userEmailed('c.workspace_owner_id', p(filter.workspaceOwnerEmail)));
    if (filter.type) where.push(`c.type = ${p(filter.type)}`);
    if (filter.userId) where.push(`c.user_id = ${p(filter.userId)}::uuid`);
    if (filter.username !== undefined) where.push(userNamed('c.user_id', p(filter.username)));
    if (filter.userEmail !== undefined) where.push(userEmailed('c.user_id', p(filter.userEmail)));
    if (filter.connectedAfter) where.push(`c.connect_time >= ${p(filter.connectedAfter)}::timestamptz`);
    if (filter.connectedBefore) where.push(`c.connect_time <= ${p(filter.connectedBefore)}::timestamptz`);
    if (filter.workspaceId) where.push(`c.workspace_id = ${p(filter.workspaceId)}::uuid`);
    if (filter.connectionId) where.push(`c.connection_id = ${p(filter.connectionId)}::uuid`);
    // Web requests are neither ongoing nor completed: they have no session.
    if (filter.status) where.push(`c.type IN ${AGENT_TYPES} AND c.disconnect_time IS ${filter.status === 'ongoing' ? '' : 'NOT '}NULL`);
    const matching = where.join(' AND ');
    const count = await cappedCount(this.ds, `FROM connection_logs c WHERE ${matching}`, params);
    if (count === 0) return { count, rows: [] };
    const rows: ConnectionLogRow[] = await this.ds.query(
      `SELECT ${PAGE_COLUMNS} FROM connection_logs c LEFT JOIN organizations o ON o.id = c.organization_id
       WHERE ${matching} ORDER BY c.connect_time DESC, c.id DESC${limitOffset(page.limit, page.offset)}`,
      params,
    );
    return { count, rows };
  }
}
