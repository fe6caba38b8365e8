import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isoTimestamp, limitOffset } from '#db/sql.js';
import type { ProvisionerType } from '#provisioner/protocol.js';

/** Reserved provisioner key ids (Coder's): the built-in daemons, user-authenticated daemons, PSK daemons. */
export const BUILTIN_KEY_ID = '00000000-0000-0000-0000-000000000001';
export const USER_AUTH_KEY_ID = '00000000-0000-0000-0000-000000000002';
export const PSK_KEY_ID = '00000000-0000-0000-0000-000000000003';
export const RESERVED_KEY_NAMES: Record<string, string> = { [BUILTIN_KEY_ID]: 'built-in', [USER_AUTH_KEY_ID]: 'user-auth', [PSK_KEY_ID]: 'psk' };

export interface DaemonIdentity {
  id: string;
  organizationId: string;
  provisioners: ProvisionerType[];
  tags: Record<string, string>;
}

/** A daemon not seen for this long is offline (Coder's 90 s). */
export const DAEMON_OFFLINE_AFTER_S = 90;

export interface DaemonFilter {
  ids?: string[];
  tags?: Record<string, string>;
  statuses?: Array<'offline' | 'idle' | 'busy'>;
  includeOffline: boolean;
  maxAgeMs?: number;
  limit: number;
}

interface JobSummary {
  id: string;
  status: string;
  template_name: string;
  template_icon: string;
  template_display_name: string;
}

export interface DaemonRow {
  id: string;
  organization_id: string;
  key_id: string;
  key_name: string;
  created_at: string;
  last_seen_at: string | null;
  name: string;
  version: string;
  api_version: string;
  provisioners: string[];
  tags: Record<string, string>;
  status: 'offline' | 'idle' | 'busy';
  current_job: JobSummary | null;
  previous_job: JobSummary | null;
}

/** The job summary a daemon row carries (alias x: a provisioner job). */
const JOB_SUMMARY = `json_build_object('id', x.id, 'status', x.job_status, 'template_name', COALESCE(t.name, ''),
  'template_icon', COALESCE(t.icon, ''), 'template_display_name', COALESCE(t.display_name, ''))`;
const JOB_TEMPLATE = `LEFT JOIN template_versions tv ON tv.id = COALESCE((x.input ->> 'template_version_id')::uuid,
    (SELECT b.template_version_id FROM workspace_builds b WHERE b.id = (x.input ->> 'workspace_build_id')::uuid))
  LEFT JOIN templates t ON t.id = tv.template_id`;

@Injectable()
export class DaemonsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The reserved key rows daemons of that kind point at (they hold no secret and are never listed). */
  async ensureReservedKey(orgId: string, keyId: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO provisioner_keys (id, organization_id, name, hashed_secret, tags) VALUES ($1, $2, $3, '\\x'::bytea, '{}')
       ON CONFLICT (id) DO NOTHING`,
      [keyId, orgId, RESERVED_KEY_NAMES[keyId]],
    );
  }

  /** Registers a daemon, or takes over the row of a daemon of the same name, organization and owner. */
  async upsert(d: { id: string; organizationId: string; name: string; provisioners: ProvisionerType[]; tags: Record<string, string>; version: string; apiVersion: string; keyId: string; replicaId: string | null }): Promise<string> {
    const rows: { id: string }[] = await this.ds.query(
      `INSERT INTO provisioner_daemons (id, organization_id, name, provisioners, tags, version, api_version, key_id, replica_id, last_seen_at)
       VALUES ($1, $2, $3, $4::provisioner_type[], $5, $6, $7, $8, $9, now())
       ON CONFLICT (organization_id, name, lower(COALESCE(tags ->> 'owner', '')))
       DO UPDATE SET provisioners = EXCLUDED.provisioners, tags = EXCLUDED.tags, version = EXCLUDED.version,
         api_version = EXCLUDED.api_version, key_id = EXCLUDED.key_id, replica_id = EXCLUDED.replica_id, last_seen_at = now()
       RETURNING id`,
      [d.id, d.organizationId, d.name, d.provisioners, d.tags, d.version, d.apiVersion, d.keyId, d.replicaId],
    );
    return rows[0].id;
  }

  /**
   * Daemons of an organization with Coder's derived status: busy with an unfinished job, else
   * offline when not seen for 90 s, else idle. Offline ones only when asked for.
   */
  async list(orgId: string, f: DaemonFilter): Promise<DaemonRow[]> {
    return this.ds.query(
      `SELECT * FROM (
         SELECT d.id, d.organization_id, d.key_id, k.name AS key_name, ${isoTimestamp('d.created_at')} AS created_at,
           ${isoTimestamp('d.last_seen_at')} AS last_seen_at, d.name, d.version, d.api_version, d.provisioners::text[] AS provisioners, d.tags,
           CASE WHEN cur.summary IS NOT NULL THEN 'busy'
                WHEN d.last_seen_at IS NULL OR d.last_seen_at < now() - interval '${DAEMON_OFFLINE_AFTER_S} seconds' THEN 'offline'
                ELSE 'idle' END AS status,
           cur.summary AS current_job, prev.summary AS previous_job
         FROM provisioner_daemons d JOIN provisioner_keys k ON k.id = d.key_id
         LEFT JOIN LATERAL (SELECT ${JOB_SUMMARY} AS summary FROM provisioner_jobs x ${JOB_TEMPLATE}
           WHERE x.worker_id = d.id AND x.completed_at IS NULL ORDER BY x.started_at DESC LIMIT 1) cur ON true
         LEFT JOIN LATERAL (SELECT ${JOB_SUMMARY} AS summary FROM provisioner_jobs x ${JOB_TEMPLATE}
           WHERE x.worker_id = d.id AND x.completed_at IS NOT NULL ORDER BY x.completed_at DESC LIMIT 1) prev ON true
         WHERE d.organization_id = $1 AND ($2::uuid[] IS NULL OR d.id = ANY($2::uuid[])) AND ($3::jsonb IS NULL OR d.tags @> $3::jsonb)
           AND ($4::float8 IS NULL OR d.last_seen_at >= now() - make_interval(secs => $4 / 1000.0))
       ) s
       WHERE ($5::text[] IS NULL OR s.status = ANY($5::text[])) AND ($6 OR s.status <> 'offline' OR $5::text[] IS NOT NULL)
       ORDER BY s.created_at DESC, s.id${limitOffset(f.limit, 0)}`,
      [orgId, f.ids ?? null, f.tags ?? null, f.maxAgeMs ?? null, f.statuses ?? null, f.includeOffline],
    );
  }

  async touch(id: string): Promise<void> {
    await this.ds.query(`UPDATE provisioner_daemons SET last_seen_at = now() WHERE id = $1`, [id]);
  }
}
