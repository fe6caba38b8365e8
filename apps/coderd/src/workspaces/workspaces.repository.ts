import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '#db/prepared.js';
import { containsPattern, isoTimestamp, limitOffset } from '#db/sql.js';
import { UUID_RE } from '#httpapi/pagination.js';
import { BUILD_JSON, type BuildRow } from './workspace-builds.repository.js';
import type { WorkspaceSearch } from './workspace-search.js';
import { WORKSPACE_STATUS_SQL } from './workspace-status.js';

export interface WorkspaceRow {
  id: string;
  created_at: string;
  updated_at: string;
  owner_id: string;
  owner_name: string;
  owner_avatar_url: string;
  organization_id: string;
  organization_name: string;
  template_id: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  template_allow_user_cancel_workspace_jobs: boolean;
  template_active_version_id: string;
  template_require_active_version: boolean;
  template_use_classic_parameter_flow: boolean;
  name: string;
  autostart_schedule: string | null;
  /** Nanoseconds (bigint as text), null when the workspace never stops on its own. */
  ttl: string | null;
  last_used_at: string;
  dormant_at: string | null;
  deleting_at: string | null;
  next_start_at: string | null;
  automatic_updates: 'always' | 'never';
  favorite: boolean;
  deleted: boolean;
  group_acl: Record<string, string[]>;
  user_acl: Record<string, string[]>;
  latest_build: BuildRow;
}

export interface NewWorkspace {
  id: string;
  ownerId: string;
  organizationId: string;
  templateId: string;
  name: string;
  autostartSchedule: string | null;
  ttlNs: bigint | null;
  automaticUpdates: 'always' | 'never';
  nextStartAt: Date | null;
}

type Db = DataSource | EntityManager;

/** The SQL filter columns for `workspace` objects (alias w). */
export const WORKSPACE_FILTER_COLUMNS = { id: 'w.id', owner: 'w.owner_id', org: 'w.organization_id', aclUsers: 'w.user_acl', aclGroups: 'w.group_acl' };

const WORKSPACE_COLUMNS = `w.id, ${isoTimestamp('w.created_at')} AS created_at, ${isoTimestamp('w.updated_at')} AS updated_at,
  w.owner_id, o.username AS owner_name, o.avatar_url AS owner_avatar_url, w.organization_id, org.name AS organization_name,
  w.template_id, t.name AS template_name, t.display_name AS template_display_name, t.icon AS template_icon,
  t.allow_user_cancel_workspace_jobs AS template_allow_user_cancel_workspace_jobs, t.active_version_id AS template_active_version_id,
  t.require_active_version AS template_require_active_version, t.use_classic_parameter_flow AS template_use_classic_parameter_flow,
  w.name, w.autostart_schedule, w.ttl::text AS ttl, ${isoTimestamp('w.last_used_at')} AS last_used_at,
  ${isoTimestamp('w.dormant_at')} AS dormant_at, ${isoTimestamp('w.deleting_at')} AS deleting_at,
  ${isoTimestamp('w.next_start_at')} AS next_start_at, w.automatic_updates, w.favorite, w.deleted, w.group_acl, w.user_acl`;

const WORKSPACE_JOINS = `JOIN users o ON o.id = w.owner_id JOIN organizations org ON org.id = w.organization_id JOIN templates t ON t.id = w.template_id`;

/** The latest build (alias lb) and its job (lj) of each workspace w: one index probe each. */
const LATEST_BUILD_JOIN = `LEFT JOIN LATERAL (SELECT b.id, b.transition, b.job_id, b.template_version_id, b.has_external_agent
    FROM workspace_builds b WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb ON true
  LEFT JOIN provisioner_jobs lj ON lj.id = lb.job_id`;

const SELECT_ONE = `SELECT ${WORKSPACE_COLUMNS}, ${BUILD_JSON('lb.id')} AS latest_build FROM workspaces w ${WORKSPACE_JOINS}
  LEFT JOIN LATERAL (SELECT b.id FROM workspace_builds b WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb ON true`;

/** Coder's agent status (facts 3.5) in SQL, over a workspace_agents row `a`. */
const AGENT_STATUS_SQL = `CASE WHEN a.first_connected_at IS NULL THEN
    CASE WHEN a.connection_timeout_seconds > 0 AND now() - a.created_at > make_interval(secs => a.connection_timeout_seconds) THEN 'timeout' ELSE 'connecting' END
  WHEN a.disconnected_at >= COALESCE(a.last_connected_at, '-infinity') OR COALESCE(a.last_connected_at, '-infinity') < now() - interval '30 seconds' THEN 'disconnected'
  ELSE 'connected' END`;

/**
 * SQL conditions over `workspaces w` for a search, with their parameters numbered from `first`.
 * Only the build filters need the latest build (lb) and its job (lj), which `latest` then says; the
 * rest read the workspace row alone, so an unfiltered page and its count never join other tables.
 */
function searchConditions(s: WorkspaceSearch, actorId: string, first: number): { sql: string[]; params: unknown[]; latest: boolean } {
  const sql: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${first + params.length - 1}`;
  };
  // A literal, not a parameter: the list's partial index covers live workspaces only.
  sql.push(s.deleted ? 'w.deleted' : 'NOT w.deleted');
  if (s.owner !== undefined) sql.push(s.owner === 'me' ? `w.owner_id = ${p(actorId)}` : `w.owner_sort = lower(${p(s.owner)})`);
  if (s.name !== undefined) sql.push(`w.name ILIKE ${p(containsPattern(s.name))}`);
  if (s.template !== undefined) sql.push(`w.template_id IN (SELECT id FROM templates WHERE lower(name) = lower(${p(s.template)}))`);
  if (s.organization !== undefined) {
    sql.push(UUID_RE.test(s.organization) ? `w.organization_id = ${p(s.organization)}` : `w.organization_id IN (SELECT id FROM organizations WHERE lower(name) = lower(${p(s.organization)}))`);
  }
  if (s.dormant !== undefined) sql.push(`(w.dormant_at IS NOT NULL) = ${p(s.dormant)}`);
  if (s.lastUsedBefore) sql.push(`w.last_used_at < ${p(s.lastUsedBefore)}`);
  if (s.lastUsedAfter) sql.push(`w.last_used_at > ${p(s.lastUsedAfter)}`);
  const before = sql.length;
  if (s.status !== undefined) sql.push(`${WORKSPACE_STATUS_SQL('lj.job_status', 'lb.transition')} = ${p(s.status)}`);
  if (s.outdated !== undefined) sql.push(`(lb.template_version_id <> (SELECT active_version_id FROM templates WHERE id = w.template_id)) = ${p(s.outdated)}`);
  if (s.hasExternalAgent !== undefined) sql.push(`COALESCE(lb.has_external_agent, false) = ${p(s.hasExternalAgent)}`);
  if (s.hasAgent !== undefined) {
    sql.push(`EXISTS (SELECT 1 FROM workspace_resources r JOIN workspace_agents a ON a.resource_id = r.id
      WHERE r.job_id = lb.job_id AND NOT a.deleted AND ${AGENT_STATUS_SQL} = ${p(s.hasAgent)})`);
  }
  return { sql, params, latest: sql.length > before };
}

@Injectable()
export class WorkspacesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(db: EntityManager, w: NewWorkspace): Promise<void> {
    await db.query(
      `INSERT INTO workspaces (id, owner_id, organization_id, template_id, name, autostart_schedule, ttl, automatic_updates, next_start_at, last_used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
      [w.id, w.ownerId, w.organizationId, w.templateId, w.name, w.autostartSchedule, w.ttlNs?.toString() ?? null, w.automaticUpdates, w.nextStartAt],
    );
  }

  async find(id: string, db?: EntityManager): Promise<WorkspaceRow | undefined> {
    const text = `${SELECT_ONE} WHERE w.id = $1`;
    const rows: WorkspaceRow[] = db ? await db.query(text, [id]) : await preparedQuery<WorkspaceRow>(this.ds, text, [id]);
    return rows[0];
  }

  /** The live workspace of that name, else (with `includeDeleted`) the most recently deleted one. */
  async findByOwnerAndName(ownerId: string, name: string, includeDeleted: boolean): Promise<WorkspaceRow | undefined> {
    const rows: WorkspaceRow[] = await this.ds.query(
      `${SELECT_ONE} WHERE w.owner_id = $1 AND lower(w.name) = lower($2) AND (NOT w.deleted OR $3) ORDER BY w.deleted, w.created_at DESC LIMIT 1`,
      [ownerId, name, includeDeleted],
    );
    return rows[0];
  }

  async nameTaken(db: EntityManager, ownerId: string, name: string): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM workspaces WHERE owner_id = $1 AND lower(name) = lower($2) AND NOT deleted`, [ownerId, name])).length > 0;
  }

  async isMember(orgId: string, userId: string): Promise<boolean> {
    return (await this.ds.query(`SELECT 1 FROM organization_members WHERE organization_id = $1 AND user_id = $2`, [orgId, userId])).length > 0;
  }

  /** Serializes builds of one workspace: the caller holds the row until its transaction ends. */
  async lock(db: EntityManager, id: string): Promise<{ deleted: boolean } | undefined> {
    const rows: Array<{ deleted: boolean }> = await db.query(`SELECT deleted FROM workspaces WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  /**
   * GET /workspaces: one statement per page, in Coder's order: the caller's favorites, then running
   * workspaces, then by owner and name. Each half is a walk of workspaces_list_order_idx that stops
   * at the page's end, and the count reads the workspace rows alone; only the page's rows are
   * expanded with their latest build, job and resources.
   */
  async list(search: WorkspaceSearch, actorId: string, authorized: string, page: { limit: number; offset: number }): Promise<{ rows: WorkspaceRow[]; count: number }> {
    const { sql, params, latest } = searchConditions(search, actorId, 2);
    const from = `FROM workspaces w ${latest ? LATEST_BUILD_JOIN : ''}`;
    const where = `(${authorized}) AND ${sql.join(' AND ')}`;
    const countOf = (conditions: string) => `(SELECT count(*)::int ${from} WHERE ${conditions})`;
    const upTo = page.limit > 0 ? limitOffset(page.limit + page.offset, 0) : '';
    const half = (favorites: boolean) => `(SELECT w.id, ${favorites ? 1 : 0} AS fav, w.latest_build_up AS up, w.owner_sort, lower(w.name) AS name_key
      ${from} WHERE ${where} AND ${favorites ? '' : 'NOT '}(w.favorite AND w.owner_id = $1)
      ORDER BY w.latest_build_up DESC, w.owner_sort, lower(w.name), w.id${upTo})`;
    const order = `m.fav DESC, m.up DESC, m.owner_sort, m.name_key, m.id`;
    // Planning this statement costs more than running it: prepared, it is planned once per connection.
    const rows = await preparedQuery<WorkspaceRow & { total: number }>(
      this.ds,
      `WITH m AS (SELECT * FROM (${half(true)} UNION ALL ${half(false)}) m ORDER BY ${order}${limitOffset(page.limit, page.offset)})
       SELECT ${WORKSPACE_COLUMNS}, ${BUILD_JSON('lb.id')} AS latest_build, ${countOf(where)} AS total
       FROM m JOIN workspaces w ON w.id = m.id ${WORKSPACE_JOINS}
       LEFT JOIN LATERAL (SELECT b.id FROM workspace_builds b WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb ON true
       ORDER BY ${order}`,
      [actorId, ...params],
    );
    if (rows.length > 0 || page.offset === 0) return { rows, count: rows[0]?.total ?? 0 };
    // A page past the end still tells the total, as Coder's does (the conditions numbered from $1 here).
    const alone = searchConditions(search, actorId, 1);
    const counted: Array<{ n: number }> = await this.ds.query(`SELECT ${countOf(`(${authorized}) AND ${alone.sql.join(' AND ')}`)} AS n`, alone.params);
    return { rows, count: counted[0].n };
  }

  async rename(id: string, name: string): Promise<void> {
    await this.ds.query(`UPDATE workspaces SET name = $2, updated_at = now() WHERE id = $1`, [id, name]);
  }

  /** The scheduling fields of PUT /autostart, /ttl, /dormant and /autoupdates; only the given ones change. */
  async updateSettings(
    id: string,
    s: { autostartSchedule?: string | null; nextStartAt?: Date | null; ttlNs?: bigint | null; dormantAt?: Date | null; deletingAt?: Date | null; automaticUpdates?: 'always' | 'never' },
    db: Db = this.ds,
  ): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (s.autostartSchedule !== undefined) set('autostart_schedule', s.autostartSchedule);
    if (s.nextStartAt !== undefined) set('next_start_at', s.nextStartAt);
    if (s.ttlNs !== undefined) set('ttl', s.ttlNs?.toString() ?? null);
    if (s.dormantAt !== undefined) set('dormant_at', s.dormantAt);
    if (s.deletingAt !== undefined) set('deleting_at', s.deletingAt);
    if (s.automaticUpdates !== undefined) set('automatic_updates', s.automaticUpdates);
    if (sets.length === 0) return;
    await db.query(`UPDATE workspaces SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.ds.query(`UPDATE workspaces SET last_used_at = $2 WHERE id = $1`, [id, at]);
  }

  async markDeleted(db: EntityManager, id: string): Promise<void> {
    await db.query(`UPDATE workspaces SET deleted = true, updated_at = now() WHERE id = $1`, [id]);
  }
}
