import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { containsPattern, isoTimestamp } from '#db/sql.js';
import type { TemplateSearch } from './template-search.js';
import type { DormancyEffects, TemplateSettings } from './template-settings.js';

export interface TemplateRow {
  id: string;
  created_at: string;
  updated_at: string;
  organization_id: string;
  organization_name: string;
  organization_display_name: string;
  organization_icon: string;
  deleted: boolean;
  name: string;
  display_name: string;
  provisioner: 'echo' | 'terraform';
  active_version_id: string;
  description: string;
  deprecated: string;
  icon: string;
  /** Durations in nanoseconds, as Coder stores them (strings: bigint). */
  default_ttl: string;
  activity_bump: string;
  failure_ttl: string;
  time_til_dormant: string;
  time_til_dormant_autodelete: string;
  time_til_autostop_notify: string;
  autostop_requirement_days_of_week: number;
  autostop_requirement_weeks: string;
  autostart_block_days_of_week: number;
  created_by: string;
  created_by_username: string;
  allow_user_autostart: boolean;
  allow_user_autostop: boolean;
  allow_user_cancel_workspace_jobs: boolean;
  require_active_version: boolean;
  use_classic_parameter_flow: boolean;
  disable_module_cache: boolean;
  max_port_sharing_level: string;
  cors_behavior: string;
  group_acl: Record<string, string[]>;
  user_acl: Record<string, string[]>;
}

export interface NewTemplate {
  id: string;
  organizationId: string;
  name: string;
  displayName: string;
  description: string;
  icon: string;
  provisioner: 'echo' | 'terraform';
  activeVersionId: string;
  createdBy: string;
  defaultTtlNs: bigint;
  activityBumpNs: bigint;
  failureTtlNs: bigint;
  timeTilDormantNs: bigint;
  timeTilDormantAutodeleteNs: bigint;
  allowUserCancelWorkspaceJobs: boolean;
  allowUserAutostart: boolean;
  allowUserAutostop: boolean;
  requireActiveVersion: boolean;
  useClassicParameterFlow: boolean;
  groupAcl: Record<string, string[]>;
}

type Db = DataSource | EntityManager;

const SELECT = `SELECT t.id, ${isoTimestamp('t.created_at')} AS created_at, ${isoTimestamp('t.updated_at')} AS updated_at,
    t.organization_id, o.name AS organization_name, o.display_name AS organization_display_name, o.icon AS organization_icon,
    t.deleted, t.name, t.display_name, t.provisioner, t.active_version_id, t.description, t.deprecated, t.icon,
    t.default_ttl::text, t.activity_bump::text, t.failure_ttl::text, t.time_til_dormant::text, t.time_til_dormant_autodelete::text,
    t.time_til_autostop_notify::text, t.autostop_requirement_days_of_week, t.autostop_requirement_weeks::text, t.autostart_block_days_of_week,
    t.created_by, u.username AS created_by_username, t.allow_user_autostart, t.allow_user_autostop,
    t.allow_user_cancel_workspace_jobs, t.require_active_version, t.use_classic_parameter_flow, t.disable_module_cache,
    t.max_port_sharing_level, t.cors_behavior, t.group_acl, t.user_acl
  FROM templates t JOIN organizations o ON o.id = t.organization_id JOIN users u ON u.id = t.created_by`;

/** The SQL filter columns for `template` objects (alias t): readable by org role or through the ACLs. */
export const TEMPLATE_FILTER_COLUMNS = { id: 't.id', org: 't.organization_id', aclUsers: 't.user_acl', aclGroups: 't.group_acl' };

@Injectable()
export class TemplatesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(db: EntityManager, t: NewTemplate): Promise<void> {
    await db.query(
      `INSERT INTO templates (id, organization_id, name, display_name, description, icon, provisioner, active_version_id, created_by,
         default_ttl, activity_bump, failure_ttl, time_til_dormant, time_til_dormant_autodelete, allow_user_cancel_workspace_jobs,
         allow_user_autostart, allow_user_autostop, require_active_version, use_classic_parameter_flow, group_acl)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        t.id, t.organizationId, t.name, t.displayName, t.description, t.icon, t.provisioner, t.activeVersionId, t.createdBy,
        t.defaultTtlNs.toString(), t.activityBumpNs.toString(), t.failureTtlNs.toString(), t.timeTilDormantNs.toString(),
        t.timeTilDormantAutodeleteNs.toString(), t.allowUserCancelWorkspaceJobs, t.allowUserAutostart, t.allowUserAutostop,
        t.requireActiveVersion, t.useClassicParameterFlow, t.groupAcl,
      ],
    );
  }

  async find(id: string, db: Db = this.ds): Promise<TemplateRow | undefined> {
    const rows: TemplateRow[] = await db.query(`${SELECT} WHERE t.id = $1 AND NOT t.deleted`, [id]);
    return rows[0];
  }

  async findByName(orgId: string, name: string): Promise<TemplateRow | undefined> {
    const rows: TemplateRow[] = await this.ds.query(`${SELECT} WHERE t.organization_id = $1 AND lower(t.name) = lower($2) AND NOT t.deleted`, [orgId, name]);
    return rows[0];
  }

  async nameTaken(db: EntityManager, orgId: string, name: string): Promise<boolean> {
    const rows = await db.query(`SELECT 1 FROM templates WHERE organization_id = $1 AND lower(name) = lower($2) AND NOT deleted`, [orgId, name]);
    return rows.length > 0;
  }

  async setActiveVersion(id: string, versionId: string): Promise<void> {
    await this.ds.query(`UPDATE templates SET active_version_id = $2, updated_at = now() WHERE id = $1`, [id, versionId]);
  }

  /** Every setting PATCH /templates/{id} may change, in one statement. */
  async updateSettings(db: EntityManager, id: string, s: TemplateSettings): Promise<void> {
    await db.query(
      `UPDATE templates SET updated_at = now(), name = $2, display_name = $3, description = $4, icon = $5, default_ttl = $6,
         activity_bump = $7, time_til_autostop_notify = $8, failure_ttl = $9, time_til_dormant = $10, time_til_dormant_autodelete = $11,
         autostop_requirement_days_of_week = $12, autostop_requirement_weeks = $13, autostart_block_days_of_week = $14,
         allow_user_autostart = $15, allow_user_autostop = $16, allow_user_cancel_workspace_jobs = $17, require_active_version = $18,
         deprecated = $19, max_port_sharing_level = $20, cors_behavior = $21, use_classic_parameter_flow = $22,
         disable_module_cache = $23, group_acl = $24
       WHERE id = $1`,
      [
        id, s.name, s.display_name, s.description, s.icon, s.default_ttl, s.activity_bump, s.time_til_autostop_notify, s.failure_ttl,
        s.time_til_dormant, s.time_til_dormant_autodelete, s.autostop_requirement_days_of_week, s.autostop_requirement_weeks,
        s.autostart_block_days_of_week, s.allow_user_autostart, s.allow_user_autostop, s.allow_user_cancel_workspace_jobs,
        s.require_active_version, s.deprecated, s.max_port_sharing_level, s.cors_behavior, s.use_classic_parameter_flow,
        s.disable_module_cache, s.group_acl,
      ],
    );
  }

  /**
   * What a changed dormancy policy does to the template's workspaces, as Coder's schedule store:
   * optionally count them all as used now, optionally restart dormant ones' clock, then give dormant
   * ones the deleting_at of the (new) autodelete time.
   */
  async applyDormancy(db: EntityManager, id: string, o: DormancyEffects): Promise<void> {
    if (o.touchLastUsed) await db.query(`UPDATE workspaces SET last_used_at = now() WHERE template_id = $1 AND NOT deleted`, [id]);
    if (o.restartDormant) await db.query(`UPDATE workspaces SET dormant_at = now() WHERE template_id = $1 AND NOT deleted AND dormant_at IS NOT NULL`, [id]);
    if (o.recomputeDeletingAt) {
      await db.query(
        `UPDATE workspaces w SET deleting_at = CASE WHEN t.time_til_dormant_autodelete > 0
             THEN w.dormant_at + make_interval(secs => t.time_til_dormant_autodelete / 1e9) END
         FROM templates t WHERE t.id = $1 AND w.template_id = t.id AND NOT w.deleted AND w.dormant_at IS NOT NULL`,
        [id],
      );
    }
  }

  async liveWorkspaces(db: EntityManager, id: string): Promise<number> {
    const rows: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM workspaces WHERE template_id = $1 AND NOT deleted`, [id]);
    return rows[0].n;
  }

  /** Soft delete, as Coder: the name becomes free again (the unique index skips deleted rows). */
  async softDelete(db: EntityManager, id: string): Promise<void> {
    await db.query(`UPDATE templates SET deleted = true, updated_at = now() WHERE id = $1`, [id]);
  }

  async lock(db: EntityManager, id: string): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM templates WHERE id = $1 AND NOT deleted FOR UPDATE`, [id])).length === 1;
  }

  /**
   * `authorized` filters templates (TEMPLATE_FILTER_COLUMNS); `s` is Coder's template search, with the
   * organization already resolved to an id. Ordered by name, as Coder lists them.
   */
  async list(authorized: string, s: TemplateSearch & { orgId?: string; authorId?: string }): Promise<TemplateRow[]> {
    const params: unknown[] = [s.deleted];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = [`t.deleted = $1`, `(${authorized})`];
    if (s.orgId) where.push(`t.organization_id = ${p(s.orgId)}`);
    if (s.exactName) where.push(`lower(t.name) = ${p(s.exactName.toLowerCase())}`);
    if (s.name) where.push(`t.name ILIKE ${p(containsPattern(s.name))}`);
    if (s.displayName) where.push(`t.display_name ILIKE ${p(containsPattern(s.displayName))}`);
    if (s.text) {
      const v = p(containsPattern(s.text));
      where.push(`(t.name ILIKE ${v} OR t.display_name ILIKE ${v})`);
    }
    if (s.ids) where.push(`t.id = ANY(${p(s.ids)}::uuid[])`);
    if (s.deprecated !== undefined) where.push(s.deprecated ? `t.deprecated <> ''` : `t.deprecated = ''`);
    if (s.authorId) where.push(`t.created_by = ${p(s.authorId)}`);
    if (s.author) where.push(`lower(u.username) = ${p(s.author.toLowerCase())}`);
    // Both flags describe the active version, as in Coder.
    if (s.hasAiTask !== undefined) where.push(`EXISTS (SELECT 1 FROM template_versions av WHERE av.id = t.active_version_id AND COALESCE(av.has_ai_task, false) = ${p(s.hasAiTask)})`);
    if (s.hasExternalAgent !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM template_versions av WHERE av.id = t.active_version_id AND COALESCE(av.has_external_agent, false) = ${p(s.hasExternalAgent)})`);
    }
    return this.ds.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY lower(t.name), t.id`, params);
  }
}
