import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestamp, limitOffset } from '#db/sql.js';
import type { Transition } from '#provisioner/template-document.js';
import type { JobWithQueue } from '../provisioners/job.mapper.js';
import { JOB_JSON } from '../provisioners/jobs.repository.js';
import { RESOURCES_OF_JOB, type ResourceRow } from '../provisioners/resources.repository.js';

export const BUILD_REASONS = [
  'initiator', 'autostart', 'autostop', 'dormancy', 'failedstop', 'autodelete', 'dashboard', 'cli', 'ssh_connection',
  'vscode_connection', 'jetbrains_connection', 'task_auto_pause', 'task_manual_pause', 'task_resume',
] as const;
export type BuildReason = (typeof BUILD_REASONS)[number];

export interface BuildRow {
  id: string;
  created_at: string;
  updated_at: string;
  workspace_id: string;
  workspace_name: string;
  workspace_owner_id: string;
  workspace_owner_name: string;
  workspace_owner_avatar_url: string;
  template_version_id: string;
  template_version_name: string;
  build_number: number;
  transition: Transition;
  initiator_id: string;
  initiator_name: string;
  reason: BuildReason;
  /** '0001-01-01...' (Go's zero time) when unset, as Coder stores it. */
  deadline: string;
  max_deadline: string;
  daily_cost: number;
  has_ai_task: boolean | null;
  has_external_agent: boolean | null;
  ai_task_sidebar_app_id: string | null;
  job: JobWithQueue;
  resources: ResourceRow[];
}

export interface NewBuild {
  id: string;
  workspaceId: string;
  templateVersionId: string;
  buildNumber: number;
  transition: Transition;
  initiatorId: string;
  jobId: string;
  reason: BuildReason;
  state: Buffer | null;
}

type Db = DataSource | EntityManager;

/** The columns of a BuildRow over `workspace_builds b` joined to its workspace `w` and owner `o`. */
export const BUILD_COLUMNS = `b.id, ${isoTimestamp('b.created_at')} AS created_at, ${isoTimestamp('b.updated_at')} AS updated_at,
  b.workspace_id, w.name AS workspace_name, w.owner_id AS workspace_owner_id, o.username AS workspace_owner_name,
  o.avatar_url AS workspace_owner_avatar_url, b.template_version_id,
  (SELECT name FROM template_versions WHERE id = b.template_version_id) AS template_version_name,
  b.build_number, b.transition, b.initiator_id, COALESCE((SELECT username FROM users WHERE id = b.initiator_id), '') AS initiator_name,
  b.reason, ${isoTimestamp('b.deadline')} AS deadline, ${isoTimestamp('b.max_deadline')} AS max_deadline, b.daily_cost,
  b.has_ai_task, b.has_external_agent, b.ai_task_sidebar_app_id, ${JOB_JSON('b.job_id')} AS job, ${RESOURCES_OF_JOB('b.job_id')} AS resources`;

const BUILD_FROM = `FROM workspace_builds b JOIN workspaces w ON w.id = b.workspace_id JOIN users o ON o.id = w.owner_id`;

/** A build with its job and resources, as a JSON object (for embedding the latest build in a workspace). */
export const BUILD_JSON = (buildId: string) => `(SELECT to_jsonb(x) FROM (SELECT ${BUILD_COLUMNS} ${BUILD_FROM} WHERE b.id = ${buildId}) x)`;

/** Workspace builds: created only with their job, read with both. */
@Injectable()
export class WorkspaceBuildsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(db: EntityManager, b: NewBuild): Promise<void> {
    await db.query(
      `INSERT INTO workspace_builds (id, workspace_id, template_version_id, build_number, transition, initiator_id, job_id, reason, provisioner_state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [b.id, b.workspaceId, b.templateVersionId, b.buildNumber, b.transition, b.initiatorId, b.jobId, b.reason, b.state],
    );
  }

  async insertParameters(db: EntityManager, buildId: string, values: Array<{ name: string; value: string }>): Promise<void> {
    if (values.length === 0) return;
    await db.query(
      `INSERT INTO workspace_build_parameters (workspace_build_id, name, value) SELECT $1, t.name, t.value FROM unnest($2::text[], $3::text[]) AS t(name, value)`,
      [buildId, values.map((v) => v.name), values.map((v) => v.value)],
    );
  }

  async find(id: string, db: Db = this.ds): Promise<BuildRow | undefined> {
    const rows: BuildRow[] = await db.query(`SELECT ${BUILD_COLUMNS} ${BUILD_FROM} WHERE b.id = $1`, [id]);
    return rows[0];
  }

  async findByNumber(workspaceId: string, buildNumber: number): Promise<BuildRow | undefined> {
    const rows: BuildRow[] = await this.ds.query(`SELECT ${BUILD_COLUMNS} ${BUILD_FROM} WHERE b.workspace_id = $1 AND b.build_number = $2`, [workspaceId, buildNumber]);
    return rows[0];
  }

  /**
   * The latest build's facts a new build depends on, read under the workspace row lock the caller
   * holds: its number, version, state and whether its job is still active.
   */
  async latest(db: EntityManager, workspaceId: string): Promise<{ id: string; build_number: number; template_version_id: string; transition: Transition; provisioner_state: Buffer | null; job_status: string } | undefined> {
    const rows = await db.query(
      `SELECT b.id, b.build_number, b.template_version_id, b.transition, b.provisioner_state, j.job_status
       FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id
       WHERE b.workspace_id = $1 ORDER BY b.build_number DESC LIMIT 1`,
      [workspaceId],
    );
    return rows[0];
  }

  /** GET /workspaces/{id}/builds: newest first, as Coder lists them. */
  async list(workspaceId: string, page: { afterId?: string; limit: number; offset: number }, since?: Date): Promise<BuildRow[]> {
    return this.ds.query(
      `SELECT ${BUILD_COLUMNS} ${BUILD_FROM}
       WHERE b.workspace_id = $1 AND ($2::timestamptz IS NULL OR b.created_at >= $2)
         AND ($3::uuid IS NULL OR b.build_number < (SELECT build_number FROM workspace_builds WHERE id = $3))
       ORDER BY b.build_number DESC${limitOffset(page.limit, page.offset)}`,
      [workspaceId, since ?? null, page.afterId ?? null],
    );
  }

  async parameters(buildId: string): Promise<Array<{ name: string; value: string }>> {
    return this.ds.query(`SELECT name, value FROM workspace_build_parameters WHERE workspace_build_id = $1 ORDER BY name`, [buildId]);
  }

  async state(buildId: string): Promise<Buffer | null> {
    const rows: Array<{ provisioner_state: Buffer | null }> = await this.ds.query(`SELECT provisioner_state FROM workspace_builds WHERE id = $1`, [buildId]);
    return rows[0]?.provisioner_state ?? null;
  }

  async setState(buildId: string, state: Buffer): Promise<void> {
    await this.ds.query(`UPDATE workspace_builds SET provisioner_state = $2, updated_at = now() WHERE id = $1`, [buildId, state]);
  }

  async setDeadline(db: EntityManager, buildId: string, deadline: Date): Promise<void> {
    await db.query(`UPDATE workspace_builds SET deadline = $2, updated_at = now() WHERE id = $1`, [buildId, deadline]);
  }
}
