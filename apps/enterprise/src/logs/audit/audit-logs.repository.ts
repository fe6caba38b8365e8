import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { cappedCount } from '#db/capped-count.js';
import { isoTimestamp, limitOffset } from '#db/sql.js';
import type { UserRow } from '#coderd/users/users.repository.js';
import { MINIMAL_ORGANIZATION_JSON, userEmailed, userJson, userNamed } from '../log-sql.js';

/** A row to write; `ip` is text PostgreSQL can cast to inet, or null. */
export interface InsertAuditLog {
  id: string;
  time: Date;
  user_id: string | null;
  organization_id: string | null;
  ip: string | null;
  user_agent: string;
  resource_type: string;
  resource_id: string;
  resource_target: string;
  resource_icon: string;
  action: string;
  diff: Record<string, unknown>;
  status_code: number;
  additional_fields: Record<string, unknown>;
  request_id: string;
}

/** Every filter is optional; values are already validated and resolved to ids. */
export interface AuditLogFilter {
  resourceType?: string;
  resourceId?: string;
  resourceTarget?: string;
  action?: string;
  buildReason?: string;
  requestId?: string;
  /** The acting user: by id (`me`) or by username (case-insensitive, not deleted). */
  userId?: string;
  username?: string;
  email?: string;
  organizationId?: string;
  /** Inclusive bounds on time. */
  from?: Date;
  to?: Date;
}

export interface AuditLogRow extends Omit<InsertAuditLog, 'time'> {
  time: string;
  organization: { id: string; name: string; display_name: string; icon: string } | null;
  user: UserRow | null;
  is_deleted: boolean;
  /** What the resource's link is made of: the organization's name, a workspace's owner. */
  link_org_name: string | null;
  link_owner_name: string | null;
}

/** The organization column authorization filters on in the queries below (alias a). */
export const AUDIT_LOG_ORG_COLUMN = 'a.organization_id';

// Whether the audited resource is gone (Coder shows it without a link then).
const IS_DELETED = `CASE a.resource_type
    WHEN 'user' THEN COALESCE((SELECT x.deleted FROM users x WHERE x.id = a.resource_id), true)
    WHEN 'template' THEN COALESCE((SELECT x.deleted FROM templates x WHERE x.id = a.resource_id), true)
    WHEN 'workspace' THEN COALESCE((SELECT x.deleted FROM workspaces x WHERE x.id = a.resource_id), true)
    WHEN 'workspace_build' THEN NOT EXISTS (SELECT 1 FROM workspace_builds x WHERE x.id = a.resource_id)
    WHEN 'oauth2_provider_app' THEN NOT EXISTS (SELECT 1 FROM oauth2_provider_apps x WHERE x.id = a.resource_id)
    ELSE false END`;

const PAGE_COLUMNS = `a.id, ${isoTimestamp('a."time"')} AS time, a.user_id, a.organization_id, host(a.ip) AS ip, a.user_agent,
  a.resource_type, a.resource_id, a.resource_target, a.resource_icon, a.action, a.diff, a.status_code,
  a.additional_fields, a.request_id,
  ${MINIMAL_ORGANIZATION_JSON} AS organization,
  ${userJson('a.user_id')} AS "user",
  ${IS_DELETED} AS is_deleted,
  o.name AS link_org_name,
  (SELECT wu.username FROM workspaces w JOIN users wu ON wu.id = w.owner_id
    WHERE w.id = CASE a.resource_type WHEN 'workspace' THEN a.resource_id
      WHEN 'workspace_build' THEN (SELECT b.workspace_id FROM workspace_builds b WHERE b.id = a.resource_id) END) AS link_owner_name`;

/** All SQL of the audit log. */
@Injectable()
export class AuditLogsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(rows: InsertAuditLog[]): Promise<void> {
    if (rows.length === 0) return;
    await this.ds.query(
      `INSERT INTO audit_logs (id, "time", user_id, organization_id, ip, user_agent, resource_type, resource_id, resource_target,
         resource_icon, action, diff, status_code, additional_fields, request_id)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "time" timestamptz, user_id uuid, organization_id uuid, ip inet,
         user_agent text, resource_type text, resource_id uuid, resource_target text, resource_icon text, action text, diff jsonb,
         status_code integer, additional_fields jsonb, request_id uuid)`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * A page of the rows `authorized` lets through (alias a), newest first, and how many match up to
   * the cap. Nothing matching: no page query (as Coder).
   */
  async list(filter: AuditLogFilter, page: { limit: number; offset: number }, authorized: string): Promise<{ count: number; rows: AuditLogRow[] }> {
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    const where = [`(${authorized})`];
    if (filter.resourceType) where.push(`a.resource_type = ${p(filter.resourceType)}`);
    if (filter.resourceId) where.push(`a.resource_id = ${p(filter.resourceId)}::uuid`);
    if (filter.resourceTarget !== undefined) where.push(`a.resource_target = ${p(filter.resourceTarget)}`);
    if (filter.action) where.push(`a.action = ${p(filter.action)}`);
    if (filter.requestId) where.push(`a.request_id = ${p(filter.requestId)}::uuid`);
    if (filter.userId) where.push(`a.user_id = ${p(filter.userId)}::uuid`);
    if (filter.username !== undefined) where.push(userNamed('a.user_id', p(filter.username)));
    if (filter.email !== undefined) where.push(userEmailed('a.user_id', p(filter.email)));
    if (filter.organizationId) where.push(`a.organization_id = ${p(filter.organizationId)}::uuid`);
    if (filter.from) where.push(`a."time" >= ${p(filter.from)}::timestamptz`);
    if (filter.to) where.push(`a."time" <= ${p(filter.to)}::timestamptz`);
    if (filter.buildReason) {
      // A build's reason, and for a workspace's creation the reason of its first build.
      where.push(`EXISTS (SELECT 1 FROM workspace_builds b WHERE b.reason::text = ${p(filter.buildReason)} AND (
        (a.resource_type = 'workspace_build' AND b.id = a.resource_id)
        OR (a.resource_type = 'workspace' AND a.action = 'create' AND b.workspace_id = a.resource_id AND b.build_number = 1)))`);
    }
    const matching = where.join(' AND ');
    const count = await cappedCount(this.ds, `FROM audit_logs a WHERE ${matching}`, params);
    if (count === 0) return { count, rows: [] };
    const rows: AuditLogRow[] = await this.ds.query(
      `SELECT ${PAGE_COLUMNS} FROM audit_logs a LEFT JOIN organizations o ON o.id = a.organization_id
       WHERE ${matching} ORDER BY a."time" DESC, a.id DESC${limitOffset(page.limit, page.offset)}`,
      params,
    );
    return { count, rows };
  }
}
