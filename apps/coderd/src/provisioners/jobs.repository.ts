import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestamp, limitOffset } from '#db/sql.js';
import type { JobLog, JobType, ProvisionerType } from '#provisioner/protocol.js';

export type JobStatus = 'pending' | 'running' | 'succeeded' | 'canceling' | 'canceled' | 'failed' | 'unknown';

export interface JobRow {
  id: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  canceled_at: string | null;
  completed_at: string | null;
  error: string | null;
  error_code: string | null;
  organization_id: string;
  initiator_id: string;
  provisioner: ProvisionerType;
  type: JobType;
  input: JobInput;
  worker_id: string | null;
  file_id: string;
  tags: Record<string, string>;
  job_status: JobStatus;
  logs_overflowed: boolean;
}

export interface JobInput {
  template_version_id?: string;
  workspace_build_id?: string;
  dry_run?: boolean;
  log_level?: string;
  /** Import jobs: the template author's variable values (sensitive ones too: they go to the provisioner only). */
  user_variable_values?: Array<{ name: string; value: string }>;
}

export interface LogRow {
  id: number;
  created_at: string;
  source: JobLog['source'];
  level: JobLog['level'];
  stage: string;
  output: string;
}

type Db = DataSource | EntityManager;

/** Most log bytes a job keeps (Coder's limit); later lines are dropped and logs_overflowed set. */
export const MAX_JOB_LOGS_BYTES = 1024 * 1024;
const MAX_LOG_OUTPUT = 1024;

export const JOB_COLUMNS = `j.id, ${isoTimestamp('j.created_at')} AS created_at, ${isoTimestamp('j.updated_at')} AS updated_at,
  ${isoTimestamp('j.started_at')} AS started_at, ${isoTimestamp('j.canceled_at')} AS canceled_at,
  ${isoTimestamp('j.completed_at')} AS completed_at, j.error, j.error_code, j.organization_id, j.initiator_id,
  j.provisioner, j.type, j.input, j.worker_id, j.file_id, j.tags, j.job_status, j.logs_overflowed`;

/**
 * With JOB_COLUMNS, over `provisioner_jobs j LEFT JOIN provisioner_daemons d ON d.id = j.worker_id`:
 * the daemon's name and, for a pending job, its queue position among the older pending jobs of its
 * organization (Coder ranks per daemon tag set; one queue per organization is what the built-in
 * daemons serve).
 */
export const JOB_QUEUE_COLUMNS = `d.name AS worker_name,
  CASE WHEN j.job_status = 'pending' THEN (SELECT count(*)::int FROM provisioner_jobs p
    WHERE p.organization_id = j.organization_id AND p.started_at IS NULL AND p.completed_at IS NULL AND p.created_at <= j.created_at) ELSE 0 END AS queue_position,
  CASE WHEN j.job_status = 'pending' THEN (SELECT count(*)::int FROM provisioner_jobs p
    WHERE p.organization_id = j.organization_id AND p.started_at IS NULL AND p.completed_at IS NULL) ELSE 0 END AS queue_size`;

/** One job with its queue columns, as a JSON object (a JobWithQueue); `jobId` is an SQL expression. */
export const JOB_JSON = (jobId: string) => `(SELECT to_jsonb(x) FROM (
    SELECT ${JOB_COLUMNS}, ${JOB_QUEUE_COLUMNS}
    FROM provisioner_jobs j LEFT JOIN provisioner_daemons d ON d.id = j.worker_id WHERE j.id = ${jobId}) x)`;

/** The template version a job works on: its own for an import, its build's for a workspace build. */
const JOB_TEMPLATE_JOINS = `LEFT JOIN template_versions tv ON tv.id = COALESCE((j.input ->> 'template_version_id')::uuid,
    (SELECT b.template_version_id FROM workspace_builds b WHERE b.id = (j.input ->> 'workspace_build_id')::uuid))
  LEFT JOIN templates t ON t.id = tv.template_id`;

export interface JobFilter {
  ids?: string[];
  statuses?: JobStatus[];
  tags?: Record<string, string>;
  initiatorId?: string;
  limit: number;
}

export type ListedJobRow = JobRow & {
  queue_position: number;
  queue_size: number;
  worker_name: string | null;
  template_version_name: string | null;
  template_id: string | null;
  template_name: string | null;
  template_display_name: string | null;
  template_icon: string | null;
};

/** The provisioner job queue: posting, acquisition, logs, heartbeats and the end of each job. */
@Injectable()
export class JobsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Posting is an insert; its trigger announces it on `provisioner_job_posted` at commit. */
  async insert(
    db: Db,
    j: { id: string; organizationId: string; initiatorId: string; provisioner: ProvisionerType; type: JobType; input: JobInput; fileId: string; tags: Record<string, string> },
  ): Promise<void> {
    await db.query(
      `INSERT INTO provisioner_jobs (id, organization_id, initiator_id, provisioner, storage_method, type, input, file_id, tags)
       VALUES ($1, $2, $3, $4, 'file', $5, $6, $7, $8)`,
      [j.id, j.organizationId, j.initiatorId, j.provisioner, j.type, j.input, j.fileId, j.tags],
    );
  }

  /** GET /organizations/{org}/provisionerjobs: newest first, with template metadata and queue positions. */
  async list(orgId: string, f: JobFilter): Promise<ListedJobRow[]> {
    return this.ds.query(
      `SELECT ${JOB_COLUMNS}, ${JOB_QUEUE_COLUMNS}, tv.name AS template_version_name, t.id AS template_id, t.name AS template_name,
         t.display_name AS template_display_name, t.icon AS template_icon
       FROM provisioner_jobs j LEFT JOIN provisioner_daemons d ON d.id = j.worker_id ${JOB_TEMPLATE_JOINS}
       WHERE j.organization_id = $1 AND ($2::uuid[] IS NULL OR j.id = ANY($2::uuid[]))
         AND ($3::provisioner_job_status[] IS NULL OR j.job_status = ANY($3::provisioner_job_status[]))
         AND ($4::jsonb IS NULL OR j.tags @> $4::jsonb) AND ($5::uuid IS NULL OR j.initiator_id = $5)
       ORDER BY j.created_at DESC, j.id DESC${limitOffset(f.limit, 0)}`,
      [orgId, f.ids ?? null, f.statuses ?? null, f.tags ?? null, f.initiatorId ?? null],
    );
  }

  async find(id: string, db: Db = this.ds): Promise<JobRow | undefined> {
    const rows: JobRow[] = await db.query(`SELECT ${JOB_COLUMNS} FROM provisioner_jobs j WHERE j.id = $1`, [id]);
    return rows[0];
  }

  /**
   * Takes the oldest pending job this daemon can run, exactly once across all daemons and replicas:
   * the row is picked FOR UPDATE SKIP LOCKED, so concurrent acquirers pass over each other's rows.
   * The same statement records that the daemon was seen.
   */
  async acquire(daemon: { id: string; organizationId: string; provisioners: ProvisionerType[]; tags: Record<string, string> }): Promise<JobRow | undefined> {
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [JobRow[], number] = await this.ds.query(
      // A daemon whose row is gone (its key was deleted) takes nothing.
      `WITH seen AS (UPDATE provisioner_daemons SET last_seen_at = now() WHERE id = $1 RETURNING id),
       picked AS (
         SELECT id FROM provisioner_jobs
         WHERE EXISTS (SELECT 1 FROM seen) AND started_at IS NULL AND completed_at IS NULL AND canceled_at IS NULL
           AND organization_id = $2 AND provisioner = ANY($3::provisioner_type[])
           AND provisioner_tagset_contains($4::jsonb, tags)
         ORDER BY created_at
         FOR UPDATE SKIP LOCKED LIMIT 1)
       UPDATE provisioner_jobs j SET started_at = now(), updated_at = now(), worker_id = $1
       FROM picked WHERE j.id = picked.id
       RETURNING ${JOB_COLUMNS}`,
      [daemon.id, daemon.organizationId, daemon.provisioners, daemon.tags],
    );
    return rows[0];
  }

  /**
   * Appends logs of a running job owned by `workerId` and counts as its heartbeat. Answers whether
   * the job was cancelled, or undefined when the daemon no longer owns a running job.
   */
  async appendLogs(jobId: string, workerId: string, logs: JobLog[]): Promise<{ canceled: boolean } | undefined> {
    return this.ds.transaction(async (db) => {
      const [owned]: [Array<{ canceled: boolean; logs_length: number }>, number] = await db.query(
        `UPDATE provisioner_jobs SET updated_at = now() WHERE id = $1 AND worker_id = $2 AND completed_at IS NULL
         RETURNING canceled_at IS NOT NULL AS canceled, logs_length`,
        [jobId, workerId],
      );
      if (owned.length === 0) return undefined;
      if (logs.length === 0) return { canceled: owned[0].canceled };
      let room = MAX_JOB_LOGS_BYTES - owned[0].logs_length;
      const kept: JobLog[] = [];
      for (const l of logs) {
        const output = l.output.slice(0, MAX_LOG_OUTPUT);
        const size = Buffer.byteLength(output);
        if (size > room) break;
        room -= size;
        kept.push({ ...l, output });
      }
      if (kept.length > 0) {
        await db.query(
          `INSERT INTO provisioner_job_logs (job_id, created_at, source, level, stage, output)
           SELECT $1, t.created_at, t.source, t.level, t.stage, t.output
           FROM unnest($2::timestamptz[], $3::log_source[], $4::log_level[], $5::text[], $6::text[]) AS t(created_at, source, level, stage, output)`,
          [jobId, kept.map((l) => l.created_at), kept.map((l) => l.source), kept.map((l) => l.level), kept.map((l) => l.stage.slice(0, 128)), kept.map((l) => l.output)],
        );
      }
      const overflowed = kept.length < logs.length;
      await db.query(`UPDATE provisioner_jobs SET logs_length = $2, logs_overflowed = logs_overflowed OR $3 WHERE id = $1`, [
        jobId,
        MAX_JOB_LOGS_BYTES - room,
        overflowed,
      ]);
      return { canceled: owned[0].canceled };
    });
  }

  /** Locks the job row of a running job owned by the worker (inside the completing transaction). */
  async lockOwned(db: EntityManager, jobId: string, workerId: string): Promise<JobRow | undefined> {
    const rows: JobRow[] = await db.query(
      `SELECT ${JOB_COLUMNS} FROM provisioner_jobs j WHERE j.id = $1 AND j.worker_id = $2 AND j.completed_at IS NULL FOR UPDATE`,
      [jobId, workerId],
    );
    return rows[0];
  }

  /**
   * Ends the job. A job cancelled meanwhile ends as canceled whatever the daemon says (its error is
   * kept as the last log line by the caller), as the user asked.
   */
  async finish(db: EntityManager, jobId: string, error: string | null, errorCode: string | null = null): Promise<void> {
    await db.query(
      `UPDATE provisioner_jobs SET completed_at = now(), updated_at = now(),
         error = CASE WHEN canceled_at IS NULL THEN $2 ELSE NULL END,
         error_code = CASE WHEN canceled_at IS NULL THEN $3 ELSE NULL END
       WHERE id = $1`,
      [jobId, error, errorCode],
    );
  }

  /**
   * Cancels a job: a pending one is done at once (canceled), a running one becomes canceling and
   * its daemon is told on its next update (the caller has locked the row and checked its status).
   */
  async cancel(db: EntityManager, jobId: string): Promise<void> {
    await db.query(
      `UPDATE provisioner_jobs SET canceled_at = now(), updated_at = now(),
         completed_at = CASE WHEN worker_id IS NULL THEN now() ELSE completed_at END
       WHERE id = $1`,
      [jobId],
    );
  }

  /** Marks a job taken without a daemon (a job coderd completes itself). */
  async start(db: EntityManager, jobId: string): Promise<void> {
    await db.query(`UPDATE provisioner_jobs SET started_at = now(), updated_at = now() WHERE id = $1`, [jobId]);
  }

  async lock(db: EntityManager, jobId: string): Promise<JobRow | undefined> {
    const rows: JobRow[] = await db.query(`SELECT ${JOB_COLUMNS} FROM provisioner_jobs j WHERE j.id = $1 FOR UPDATE`, [jobId]);
    return rows[0];
  }

  async logs(jobId: string, afterId: number): Promise<LogRow[]> {
    return this.ds.query(
      `SELECT id::int AS id, ${isoTimestamp('created_at')} AS created_at, source, level, stage, output
       FROM provisioner_job_logs WHERE job_id = $1 AND id > $2 ORDER BY id`,
      [jobId, afterId],
    );
  }

  /**
   * Fails jobs whose daemon went silent (running, no update for `heartbeatMs`) and jobs no daemon
   * took (pending for `pendingMs`), at most `limit` per call. Each is locked and skipped if another
   * replica's reaper holds it.
   */
  async reap(heartbeatMs: number, pendingMs: number, limit: number): Promise<Array<{ id: string; was: 'running' | 'pending' }>> {
    return this.ds.transaction(async (db) => {
      const stale: Array<{ id: string; was: 'running' | 'pending' }> = await db.query(
        `SELECT id, CASE WHEN started_at IS NULL THEN 'pending' ELSE 'running' END AS was FROM provisioner_jobs
         WHERE completed_at IS NULL AND (
           (started_at IS NOT NULL AND updated_at < now() - make_interval(secs => $1 / 1000.0)) OR
           (started_at IS NULL AND created_at < now() - make_interval(secs => $2 / 1000.0)))
         ORDER BY created_at LIMIT ${Math.max(1, Math.floor(limit))} FOR UPDATE SKIP LOCKED`,
        [heartbeatMs, pendingMs],
      );
      for (const s of stale) {
        const error =
          s.was === 'running'
            ? 'Build has been detected as hung and was marked failed: its provisioner daemon stopped sending updates.'
            : 'Build has been detected as hung and was marked failed: no provisioner daemon took the job.';
        await db.query(
          `INSERT INTO provisioner_job_logs (job_id, created_at, source, level, stage, output) VALUES ($1, now(), 'provisioner_daemon', 'error', 'Cleaning Up', $2)`,
          [s.id, error],
        );
        await db.query(`UPDATE provisioner_jobs SET completed_at = now(), updated_at = now(), error = $2 WHERE id = $1`, [s.id, error]);
      }
      return stale;
    });
  }
}
