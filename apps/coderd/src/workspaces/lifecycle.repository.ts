import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestamp } from '#db/sql.js';

export const LIFECYCLE_REASONS = ['autodelete', 'dormancy', 'autostop', 'failedstop', 'autostart'] as const;
export type LifecycleReason = (typeof LIFECYCLE_REASONS)[number];

export interface DueWorkspace {
  id: string;
  owner_id: string;
  organization_id: string;
  template_id: string;
  dormant_at: string | null;
  user_acl: Record<string, string[]>;
  group_acl: Record<string, string[]>;
  autostart_schedule: string | null;
  automatic_updates: 'always' | 'never';
  /** When the latest build was created: autostart fires only for a start due after it. */
  latest_build_created_at: string;
  reason: LifecycleReason;
}

const ZERO = `'0001-01-01 00:00:00+00'::timestamptz`;
const ns = (col: string) => `make_interval(secs => ${col} / 1e9)`;

/**
 * What is due at `$1` for each live workspace whose latest build has ended, first rule winning
 * (facts 3.8): delete once dormant past deleting_at; become dormant after the template's
 * inactivity time; stop at the deadline; stop a start that failed longer ago than the failure TTL;
 * start at the schedule's next time (checked again against the latest build by the executor).
 */
const DUE = `SELECT * FROM (
  SELECT w.id, w.owner_id, w.organization_id, w.template_id, ${isoTimestamp('w.dormant_at')} AS dormant_at, w.user_acl, w.group_acl,
    w.autostart_schedule, w.automatic_updates, ${isoTimestamp('lb.created_at')} AS latest_build_created_at,
    CASE
      WHEN w.dormant_at IS NOT NULL AND w.deleting_at IS NOT NULL AND w.deleting_at <= $1 AND lb.transition <> 'delete' THEN 'autodelete'
      WHEN w.dormant_at IS NULL AND t.time_til_dormant > 0 AND w.last_used_at + ${ns('t.time_til_dormant')} <= $1 THEN 'dormancy'
      WHEN lb.transition = 'start' AND lj.job_status = 'succeeded' AND lb.deadline <> ${ZERO} AND lb.deadline <= $1 THEN 'autostop'
      WHEN lb.transition = 'start' AND lj.job_status = 'failed' AND t.failure_ttl > 0 AND lj.completed_at + ${ns('t.failure_ttl')} <= $1 THEN 'failedstop'
      WHEN w.dormant_at IS NULL AND w.autostart_schedule IS NOT NULL AND t.allow_user_autostart AND w.next_start_at <= $1
        AND lb.transition = 'stop' AND lj.job_status IN ('succeeded', 'failed', 'canceled') THEN 'autostart'
    END AS reason
  FROM workspaces w JOIN templates t ON t.id = w.template_id
  JOIN LATERAL (SELECT b.created_at, b.transition, b.deadline, b.job_id FROM workspace_builds b
    WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb ON true
  JOIN provisioner_jobs lj ON lj.id = lb.job_id
  WHERE NOT w.deleted AND NOT t.deleted AND lj.completed_at IS NOT NULL) due
WHERE reason IS NOT NULL`;

@Injectable()
export class LifecycleRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** One batch of due workspaces, in id order after `afterId` (a cursor, so one stuck workspace blocks none). */
  async due(now: Date, afterId: string, limit: number): Promise<DueWorkspace[]> {
    return this.ds.query(`${DUE} AND id > $2 ORDER BY id LIMIT ${Math.max(1, Math.floor(limit))}`, [now, afterId]);
  }

  async setNextStart(id: string, at: Date | null): Promise<void> {
    await this.ds.query(`UPDATE workspaces SET next_start_at = $2 WHERE id = $1`, [id, at]);
  }

  async markDormant(db: EntityManager, id: string, now: Date): Promise<void> {
    await db.query(
      `UPDATE workspaces w SET dormant_at = $2::timestamptz, updated_at = now(),
         deleting_at = CASE WHEN t.time_til_dormant_autodelete > 0 THEN $2::timestamptz + make_interval(secs => t.time_til_dormant_autodelete / 1e9) END
       FROM templates t WHERE w.id = $1 AND t.id = w.template_id`,
      [id, now],
    );
  }

  /**
   * The same decision for one workspace, under its row lock, inside the acting transaction. Undefined
   * when nothing is due any more, or when another replica holds the row (it is acting on it).
   */
  async lockIfDue(db: EntityManager, id: string, now: Date): Promise<DueWorkspace | undefined> {
    const locked = await db.query(`SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE SKIP LOCKED`, [id]);
    if (locked.length === 0) return undefined;
    const rows: DueWorkspace[] = await db.query(`${DUE} AND id = $2`, [now, id]);
    return rows[0];
  }

  async isRunning(db: EntityManager, id: string): Promise<boolean> {
    const rows = await db.query(
      `SELECT 1 FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id
       WHERE b.workspace_id = $1 AND b.transition = 'start' AND j.job_status = 'succeeded'
         AND b.build_number = (SELECT max(build_number) FROM workspace_builds WHERE workspace_id = $1)`,
      [id],
    );
    return rows.length > 0;
  }
}
