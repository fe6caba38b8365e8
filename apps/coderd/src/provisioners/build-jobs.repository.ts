import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Transition } from '#provisioner/template-document.js';

/** What a daemon needs to run a workspace build job (facts 3.3, AcquiredJob.workspace_build). */
export interface BuildJobContext {
  build_id: string;
  transition: Transition;
  provisioner_state: Buffer | null;
  workspace_id: string;
  workspace_name: string;
  owner_id: string;
  owner_username: string;
  template_id: string;
  template_name: string;
  template_version_name: string;
  parameters: Array<{ name: string; value: string }>;
  /** The version's variables with the values its import resolved. */
  variables: Array<{ name: string; value: string }>;
}

/**
 * The workspace-build side of the job queue: the payload a daemon receives and what completing the
 * job changes (facts 3.4). Kept beside the queue so that the provisioners area needs nothing from
 * the workspaces area.
 */
@Injectable()
export class BuildJobsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async context(buildId: string): Promise<BuildJobContext | undefined> {
    const rows: BuildJobContext[] = await this.ds.query(
      `SELECT b.id AS build_id, b.transition, b.provisioner_state, w.id AS workspace_id, w.name AS workspace_name, w.owner_id,
         u.username AS owner_username, t.id AS template_id, t.name AS template_name, v.name AS template_version_name,
         COALESCE((SELECT json_agg(json_build_object('name', p.name, 'value', p.value) ORDER BY p.name)
                   FROM workspace_build_parameters p WHERE p.workspace_build_id = b.id), '[]') AS parameters,
         COALESCE((SELECT json_agg(json_build_object('name', tvv.name, 'value', tvv.value) ORDER BY tvv.name)
                   FROM template_version_variables tvv WHERE tvv.template_version_id = b.template_version_id), '[]') AS variables
       FROM workspace_builds b JOIN workspaces w ON w.id = b.workspace_id JOIN users u ON u.id = w.owner_id
       JOIN templates t ON t.id = w.template_id JOIN template_versions v ON v.id = b.template_version_id
       WHERE b.id = $1`,
      [buildId],
    );
    return rows[0];
  }

  /**
   * Records a finished build inside the completing transaction: the new state, the deadline from the
   * workspace's TTL (start builds only), the agents of earlier builds retired, and for a delete the
   * workspace itself soft-deleted. A build that runs an AI task records its app, and its owner takes
   * an AI seat (Coder counts task use as AI use, as it counts AI Bridge use).
   */
  async complete(db: EntityManager, buildId: string, state: Buffer, flags: { taskAppId: string | null; hasExternalAgent: boolean }): Promise<{ seatTakenBy?: string }> {
    const [rows]: [Array<{ workspace_id: string; transition: Transition; owner_id: string }>, number] = await db.query(
      `UPDATE workspace_builds b SET provisioner_state = $2, updated_at = now(),
         deadline = CASE WHEN b.transition = 'start' AND COALESCE(w.ttl, 0) > 0 THEN now() + make_interval(secs => w.ttl / 1e9) ELSE b.deadline END,
         has_ai_task = $3, ai_task_sidebar_app_id = $4, has_external_agent = $5
       FROM workspaces w WHERE b.id = $1 AND w.id = b.workspace_id
       RETURNING b.workspace_id, b.transition, w.owner_id`,
      [buildId, state, flags.taskAppId !== null, flags.taskAppId, flags.hasExternalAgent],
    );
    const build = rows[0];
    if (!build) return {};
    let seatTakenBy: string | undefined;
    if (flags.taskAppId !== null) {
      seatTakenBy = build.owner_id;
      await db.query(
        `INSERT INTO ai_seat_state (user_id, first_used_at, last_used_at, last_event_type, last_event_description)
         VALUES ($1, now(), now(), 'task', 'AI task build') ON CONFLICT (user_id) DO UPDATE SET last_used_at = now(), last_event_type = 'task',
           last_event_description = 'AI task build', updated_at = now()`,
        [build.owner_id],
      );
    }
    await db.query(
      `UPDATE workspace_agents a SET deleted = true, updated_at = now()
       FROM workspace_resources r, workspace_builds b
       WHERE a.resource_id = r.id AND r.job_id = b.job_id AND b.workspace_id = $1 AND (b.id <> $2 OR $3) AND NOT a.deleted`,
      [build.workspace_id, buildId, build.transition === 'delete'],
    );
    if (build.transition === 'delete') await db.query(`UPDATE workspaces SET deleted = true, updated_at = now() WHERE id = $1`, [build.workspace_id]);
    return { seatTakenBy };
  }
}
