import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestamp, limitOffset } from '#db/sql.js';
import type { ResolvedVariable } from '#provisioner/protocol.js';
import type { ParameterDecl } from '#provisioner/template-document.js';
import { JOB_JSON, type JobRow } from '../provisioners/jobs.repository.js';

export interface TemplateVersionRow {
  id: string;
  template_id: string | null;
  organization_id: string;
  created_at: string;
  updated_at: string;
  name: string;
  message: string;
  readme: string;
  archived: boolean;
  has_external_agent: boolean | null;
  has_ai_task: boolean | null;
  /** The external auth providers the template asks users to link, `[{id, optional}]`. */
  external_auth_providers: Array<{ id: string; optional?: boolean }>;
  created_by_id: string;
  created_by_username: string;
  created_by_name: string;
  created_by_avatar_url: string;
  job: JobRow & { queue_position: number; queue_size: number; worker_name: string | null };
  template_name: string | null;
  template_display_name: string | null;
  template_icon: string | null;
  template_user_acl: Record<string, string[]> | null;
  template_group_acl: Record<string, string[]> | null;
}

export type VariableRow = Omit<ResolvedVariable, 'type'> & { type: string };

export interface ParameterRow {
  name: string;
  display_name: string;
  description: string;
  type: string;
  form_type: string;
  mutable: boolean;
  default_value: string;
  icon: string;
  options: Array<{ name: string; description: string; value: string; icon: string }>;
  validation_regex: string;
  validation_min: number | null;
  validation_max: number | null;
  validation_error: string;
  validation_monotonic: string;
  required: boolean;
  display_order: number;
  ephemeral: boolean;
}

type Db = DataSource | EntityManager;

/** A version with its import job, creator and template in one row. */
const VERSION_SELECT = `SELECT v.id, v.template_id, v.organization_id, ${isoTimestamp('v.created_at')} AS created_at,
    ${isoTimestamp('v.updated_at')} AS updated_at, v.name, v.message, v.readme, v.archived, v.has_external_agent, v.has_ai_task, v.external_auth_providers,
    u.id AS created_by_id, u.username AS created_by_username, u.name AS created_by_name, u.avatar_url AS created_by_avatar_url,
    t.name AS template_name, t.display_name AS template_display_name, t.icon AS template_icon,
    t.user_acl AS template_user_acl, t.group_acl AS template_group_acl,
    ${JOB_JSON('v.job_id')} AS job
  FROM template_versions v
  JOIN users u ON u.id = v.created_by
  LEFT JOIN templates t ON t.id = v.template_id`;

@Injectable()
export class TemplateVersionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(db: Db, v: { id: string; templateId: string | null; organizationId: string; name: string; message: string; jobId: string; createdBy: string }): Promise<void> {
    await db.query(
      `INSERT INTO template_versions (id, template_id, organization_id, name, message, job_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [v.id, v.templateId, v.organizationId, v.name, v.message, v.jobId, v.createdBy],
    );
  }

  async find(id: string, db: Db = this.ds): Promise<TemplateVersionRow | undefined> {
    const rows: TemplateVersionRow[] = await db.query(`${VERSION_SELECT} WHERE v.id = $1`, [id]);
    return rows[0];
  }

  async nameTaken(templateId: string, name: string, db: Db = this.ds): Promise<boolean> {
    const rows = await db.query(`SELECT 1 FROM template_versions WHERE template_id = $1 AND name = $2`, [templateId, name]);
    return rows.length > 0;
  }

  /** Versions of a template, oldest first (Coder's order), keyset after `afterId` or by offset. */
  async listByTemplate(templateId: string, o: { includeArchived: boolean; afterId?: string; limit: number; offset: number }): Promise<TemplateVersionRow[]> {
    return this.ds.query(
      `${VERSION_SELECT} WHERE v.template_id = $1 AND ($2 OR NOT v.archived)
         AND ($3::uuid IS NULL OR (v.created_at, v.id) > (SELECT created_at, id FROM template_versions WHERE id = $3))
       ORDER BY v.created_at, v.id${limitOffset(o.limit, o.offset)}`,
      [templateId, o.includeArchived, o.afterId ?? null],
    );
  }

  async findByName(templateId: string, name: string): Promise<TemplateVersionRow | undefined> {
    const rows: TemplateVersionRow[] = await this.ds.query(`${VERSION_SELECT} WHERE v.template_id = $1 AND v.name = $2`, [templateId, name]);
    return rows[0];
  }

  async update(db: Db, id: string, c: { name?: string; message?: string }): Promise<void> {
    await db.query(`UPDATE template_versions SET name = COALESCE($2, name), message = COALESCE($3, message), updated_at = now() WHERE id = $1`, [
      id,
      c.name ?? null,
      c.message ?? null,
    ]);
  }

  async setArchived(db: Db, ids: string[], archived: boolean): Promise<void> {
    await db.query(`UPDATE template_versions SET archived = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids, archived]);
  }

  /**
   * Versions of the template that nothing uses: not active, not the version of any live workspace's
   * latest build, not already archived; with `failedOnly`, only those whose import failed.
   */
  async unused(db: Db, templateId: string, activeVersionId: string, failedOnly: boolean): Promise<string[]> {
    const rows: { id: string }[] = await db.query(
      `SELECT v.id FROM template_versions v JOIN provisioner_jobs j ON j.id = v.job_id
       WHERE v.template_id = $1 AND v.id <> $2 AND NOT v.archived
         AND (NOT $3 OR j.job_status = 'failed') AND j.completed_at IS NOT NULL
         AND NOT EXISTS (
           SELECT 1 FROM workspaces w JOIN LATERAL (
             SELECT b.template_version_id FROM workspace_builds b WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb ON true
           WHERE w.template_id = $1 AND NOT w.deleted AND lb.template_version_id = v.id)
       ORDER BY v.created_at`,
      [templateId, activeVersionId, failedOnly],
    );
    return rows.map((r) => r.id);
  }

  /** Makes a template's first version part of it (creating the template). */
  async attach(db: EntityManager, versionId: string, templateId: string): Promise<void> {
    await db.query(`UPDATE template_versions SET template_id = $2, updated_at = now() WHERE id = $1`, [versionId, templateId]);
  }

  async insertParameters(db: EntityManager, versionId: string, params: ParameterDecl[]): Promise<void> {
    for (const p of params) {
      await db.query(
        `INSERT INTO template_version_parameters (template_version_id, name, description, type, mutable, default_value, icon, options,
           validation_regex, validation_min, validation_max, validation_error, validation_monotonic, required, display_name,
           display_order, ephemeral, form_type)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          versionId, p.name, p.description, p.type, p.mutable, p.default_value, p.icon, JSON.stringify(p.options), p.validation.regex,
          p.validation.min, p.validation.max, p.validation.error, p.validation.monotonic, p.required, p.display_name, p.order, p.ephemeral, p.form_type,
        ],
      );
    }
  }

  async parameters(versionId: string, db: Db = this.ds): Promise<ParameterRow[]> {
    return db.query(
      `SELECT name, display_name, description, type, form_type, mutable, default_value, icon, options, validation_regex,
         validation_min, validation_max, validation_error, validation_monotonic, required, display_order, ephemeral
       FROM template_version_parameters WHERE template_version_id = $1 ORDER BY display_order, lower(name)`,
      [versionId],
    );
  }

  async insertVariables(db: EntityManager, versionId: string, variables: ResolvedVariable[]): Promise<void> {
    for (const v of variables) {
      await db.query(
        `INSERT INTO template_version_variables (template_version_id, name, description, type, value, default_value, required, sensitive)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [versionId, v.name, v.description, v.type, v.value, v.default_value, v.required, v.sensitive],
      );
    }
  }

  async variables(versionId: string): Promise<VariableRow[]> {
    return this.ds.query(
      `SELECT name, description, type, value, default_value, required, sensitive
       FROM template_version_variables WHERE template_version_id = $1 ORDER BY name`,
      [versionId],
    );
  }

  /** What an import learnt about the version: its readme, and whether it runs AI tasks or external agents. */
  async setImported(db: EntityManager, versionId: string, v: { readme: string; hasAiTask: boolean; hasExternalAgent: boolean }): Promise<void> {
    await db.query(`UPDATE template_versions SET readme = $2, has_ai_task = $3, has_external_agent = $4, updated_at = now() WHERE id = $1`, [
      versionId,
      v.readme,
      v.hasAiTask,
      v.hasExternalAgent,
    ]);
  }

  /** Names a job's daemon needs: the initiator and, for a version's import, the version and template. */
  async jobContext(jobId: string): Promise<{ initiator_username: string; template_version_name: string | null; template_id: string | null; template_name: string | null } | undefined> {
    const rows = await this.ds.query(
      `SELECT u.username AS initiator_username, v.name AS template_version_name, t.id AS template_id, t.name AS template_name
       FROM provisioner_jobs j JOIN users u ON u.id = j.initiator_id
       LEFT JOIN template_versions v ON v.id = (j.input ->> 'template_version_id')::uuid
       LEFT JOIN templates t ON t.id = v.template_id
       WHERE j.id = $1`,
      [jobId],
    );
    return rows[0];
  }
}
