import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestamp } from '#db/sql.js';
import type { AgentRow } from '../provisioners/resources.repository.js';

/** A task with what its status is derived from: its workspace's latest build, and the agent and app that run it. */
export interface TaskRow {
  id: string;
  organization_id: string;
  owner_id: string;
  owner_name: string;
  owner_avatar_url: string;
  name: string;
  display_name: string;
  template_id: string;
  template_version_id: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  workspace_id: string | null;
  workspace_name: string | null;
  prompt: string;
  created_at: string;
  deleted_at: string | null;
  build_number: number | null;
  build_transition: string | null;
  job_status: string | null;
  build_created_at: string | null;
  build_updated_at: string | null;
  app_id: string | null;
  app_health: string | null;
  agent: Pick<AgentRow, 'id' | 'lifecycle_state' | 'created_at' | 'first_connected_at' | 'last_connected_at' | 'disconnected_at' | 'connection_timeout_seconds'> | null;
  state: { created_at: string; state: string; message: string; uri: string | null } | null;
}

const TASK_SELECT = `SELECT t.id, t.organization_id, t.owner_id, u.username AS owner_name, u.avatar_url AS owner_avatar_url, t.name, t.display_name,
    tpl.id AS template_id, t.template_version_id, COALESCE(tpl.name, '') AS template_name, COALESCE(tpl.display_name, '') AS template_display_name,
    COALESCE(tpl.icon, '') AS template_icon, t.workspace_id, w.name AS workspace_name, t.prompt,
    ${isoTimestamp('t.created_at')} AS created_at, ${isoTimestamp('t.deleted_at')} AS deleted_at,
    lb.build_number, lb.transition AS build_transition, lb.job_status, ${isoTimestamp('lb.created_at')} AS build_created_at,
    ${isoTimestamp('lb.updated_at')} AS build_updated_at, lb.ai_task_sidebar_app_id AS app_id, app.health AS app_health,
    CASE WHEN ag.id IS NULL THEN NULL ELSE json_build_object('id', ag.id, 'lifecycle_state', ag.lifecycle_state,
      'created_at', ${isoTimestamp('ag.created_at')}, 'first_connected_at', ${isoTimestamp('ag.first_connected_at')},
      'last_connected_at', ${isoTimestamp('ag.last_connected_at')}, 'disconnected_at', ${isoTimestamp('ag.disconnected_at')},
      'connection_timeout_seconds', ag.connection_timeout_seconds) END AS agent,
    CASE WHEN st.created_at IS NULL THEN NULL ELSE json_build_object('created_at', ${isoTimestamp('st.created_at')}, 'state', st.state,
      'message', st.message, 'uri', st.uri) END AS state
  FROM tasks t
  JOIN users u ON u.id = t.owner_id
  JOIN template_versions tv ON tv.id = t.template_version_id
  LEFT JOIN templates tpl ON tpl.id = tv.template_id
  LEFT JOIN workspaces w ON w.id = t.workspace_id AND NOT w.deleted
  LEFT JOIN LATERAL (SELECT b.build_number, b.transition, j.job_status, b.created_at, b.updated_at, b.ai_task_sidebar_app_id
    FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb ON true
  LEFT JOIN workspace_apps app ON app.id = lb.ai_task_sidebar_app_id
  LEFT JOIN workspace_agents ag ON ag.id = app.agent_id
  LEFT JOIN LATERAL (SELECT s.created_at, s.state, s.message, s.uri FROM workspace_app_statuses s
    WHERE s.app_id = app.id ORDER BY s.created_at DESC LIMIT 1) st ON true`;

export interface TaskSearch {
  ownerId?: string;
  organizationId?: string;
}

@Injectable()
export class TasksRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(db: EntityManager, t: { id: string; organizationId: string; ownerId: string; name: string; displayName: string; workspaceId: string; templateVersionId: string; parameters: Record<string, string>; prompt: string }): Promise<void> {
    await db.query(
      `INSERT INTO tasks (id, organization_id, owner_id, name, display_name, workspace_id, template_version_id, template_parameters, prompt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [t.id, t.organizationId, t.ownerId, t.name, t.displayName, t.workspaceId, t.templateVersionId, t.parameters, t.prompt],
    );
  }

  async find(id: string): Promise<TaskRow | undefined> {
    return (await this.ds.query(`${TASK_SELECT} WHERE t.id = $1 AND t.deleted_at IS NULL`, [id]))[0];
  }

  /** A live task of `ownerId` by name, in any case: one probe of the unique index tasks_owner_id_name_idx. */
  async findByOwnerAndName(ownerId: string, name: string): Promise<TaskRow | undefined> {
    return (await this.ds.query(`${TASK_SELECT} WHERE t.owner_id = $1 AND lower(t.name) = lower($2) AND t.deleted_at IS NULL`, [ownerId, name]))[0];
  }

  async nameTaken(db: EntityManager, ownerId: string, name: string): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM tasks WHERE owner_id = $1 AND lower(name) = lower($2) AND deleted_at IS NULL`, [ownerId, name])).length > 0;
  }

  /**
   * Live tasks, newest first, that `authorized` (an SQL condition over `t`, from RBAC) lets the caller
   * read. Statuses are derived after the query, so a status filter is applied to the rows read.
   */
  async list(s: TaskSearch, authorized: string): Promise<TaskRow[]> {
    const params: unknown[] = [];
    const where = ['t.deleted_at IS NULL', `(${authorized})`];
    if (s.ownerId) where.push(`t.owner_id = $${params.push(s.ownerId)}`);
    if (s.organizationId) where.push(`t.organization_id = $${params.push(s.organizationId)}`);
    return this.ds.query(`${TASK_SELECT} WHERE ${where.join(' AND ')} ORDER BY t.created_at DESC, t.id`, params);
  }

  async markDeleted(id: string): Promise<void> {
    await this.ds.query(`UPDATE tasks SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL`, [id]);
  }
}
