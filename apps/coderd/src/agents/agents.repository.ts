import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryResultRow } from 'pg';
import { preparedQuery } from '#db/prepared.js';
import { isoTimestamp } from '#db/sql.js';
import type { LogLevel } from '#db/entities/provisioner-job-log.entity.js';
import type { Transition } from '#provisioner/template-document.js';
import { AGENT_COLUMNS, type AgentRow } from '../provisioners/resources.repository.js';

/** The workspace an agent belongs to, through its build: what authorization and the manifest need. */
export interface AgentWorkspace {
  workspace_id: string;
  workspace_name: string;
  owner_id: string;
  owner_username: string;
  organization_id: string;
  template_id: string;
  dormant_at: string | null;
  user_acl: Record<string, string[]>;
  group_acl: Record<string, string[]>;
  /** The agent's own build (during a shutdown, not the latest). */
  build_id: string;
  build_number: number;
  build_transition: Transition;
}

export type AgentWithWorkspace = AgentRow & AgentWorkspace & { motd_file: string };

export interface AgentLogRow {
  id: number;
  created_at: string;
  output: string;
  level: LogLevel;
  log_source_id: string;
}

/** Coder's cap on an agent's logs: 1 MiB of output in all. */
export const AGENT_LOGS_LIMIT_BYTES = 1 << 20;

const WITH_WORKSPACE = `SELECT ${AGENT_COLUMNS}, a.motd_file,
    w.id AS workspace_id, w.name AS workspace_name, w.owner_id, u.username AS owner_username, w.organization_id, w.template_id,
    ${isoTimestamp('w.dormant_at')} AS dormant_at, w.user_acl, w.group_acl,
    b.id AS build_id, b.build_number, b.transition AS build_transition
  FROM workspace_agents a
  JOIN workspace_resources r ON r.id = a.resource_id
  JOIN workspace_builds b ON b.job_id = r.job_id
  JOIN workspaces w ON w.id = b.workspace_id
  JOIN users u ON u.id = w.owner_id`;

@Injectable()
export class AgentsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The agent whose token hashes to `hash`, with its own build and workspace, when that agent may
   * still talk to coderd (facts 3.6). Neither agent nor workspace is deleted, and either the agent's
   * build is the workspace's latest, or it is a succeeded start and the latest build is the very next
   * one, a stop still pending or running: shutdown scripts keep their agent until the stop completes.
   */
  async agentAndItsBuildByToken(hash: Buffer): Promise<AgentWithWorkspace | undefined> {
    // Prepared: every agent request runs it, and planning its joins costs far more than running them.
    const rows = await preparedQuery<AgentWithWorkspace & QueryResultRow>(
      this.ds,
      `${WITH_WORKSPACE}
       JOIN provisioner_jobs bj ON bj.id = b.job_id
       JOIN LATERAL (SELECT lb.build_number, lb.transition, lj.job_status FROM workspace_builds lb
         JOIN provisioner_jobs lj ON lj.id = lb.job_id WHERE lb.workspace_id = w.id ORDER BY lb.build_number DESC LIMIT 1) latest ON true
       WHERE a.hashed_auth_token = $1 AND NOT a.deleted AND NOT w.deleted
         AND (latest.build_number = b.build_number
           OR (b.transition = 'start' AND bj.job_status = 'succeeded' AND latest.build_number = b.build_number + 1
               AND latest.transition = 'stop' AND latest.job_status IN ('pending', 'running')))
       ORDER BY a.created_at DESC LIMIT 1`,
      [hash],
    );
    return rows[0];
  }

  /** One query for the user-facing agent routes: the agent with its resource's build and workspace. */
  async findWithWorkspace(id: string): Promise<AgentWithWorkspace | undefined> {
    const rows = await preparedQuery<AgentWithWorkspace & QueryResultRow>(this.ds, `${WITH_WORKSPACE} WHERE a.id = $1 AND NOT a.deleted AND NOT w.deleted`, [id]);
    return rows[0];
  }

  /** Requests from these agents prove them connected (one statement for a batch of heartbeats). */
  async touchConnections(ids: string[]): Promise<void> {
    await this.ds.query(
      `UPDATE workspace_agents SET first_connected_at = COALESCE(first_connected_at, now()), last_connected_at = now(), disconnected_at = NULL
       WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /**
   * Coder's lifecycle bookkeeping: `starting` stamps started_at, the end of startup (ready, or its
   * timeout or error) stamps ready_at, each at the time the agent says it changed.
   */
  async setLifecycle(id: string, state: string, changedAt: Date): Promise<void> {
    await this.ds.query(
      `UPDATE workspace_agents SET lifecycle_state = $2::workspace_agent_lifecycle_state, updated_at = now(),
         started_at = CASE WHEN $2 = 'starting' THEN $3::timestamptz ELSE started_at END,
         ready_at = CASE WHEN $2 IN ('ready', 'start_timeout', 'start_error') THEN $3::timestamptz ELSE ready_at END
       WHERE id = $1`,
      [id, state, changedAt],
    );
  }

  async setStartup(id: string, s: { version: string; expandedDirectory: string; subsystems: string[]; apiVersion: string }): Promise<void> {
    await this.ds.query(
      `UPDATE workspace_agents SET version = $2, expanded_directory = $3, subsystems = $4, api_version = $5, updated_at = now() WHERE id = $1`,
      [id, s.version, s.expandedDirectory, s.subsystems, s.apiVersion],
    );
  }

  /**
   * Appends a batch of logs unless it would take the agent past AGENT_LOGS_LIMIT_BYTES, in which case
   * nothing is written, the agent is marked overflowed and false is answered. One statement, so
   * concurrent batches cannot both slip under the limit.
   */
  async appendLogs(agentId: string, sourceId: string, logs: Array<{ createdAt: Date; output: string; level: LogLevel }>): Promise<boolean> {
    const bytes = logs.reduce((n, l) => n + Buffer.byteLength(l.output), 0);
    const [rows]: [Array<{ ok: boolean }>, number] = await this.ds.query(
      `WITH grown AS (
         UPDATE workspace_agents SET logs_length = logs_length + $3 WHERE id = $1 AND logs_length + $3 <= ${AGENT_LOGS_LIMIT_BYTES} RETURNING id
       ), inserted AS (
         INSERT INTO workspace_agent_logs (agent_id, log_source_id, created_at, output, level)
         SELECT $1, $2, t.created_at, t.output, t.level::log_level FROM grown,
           unnest($4::timestamptz[], $5::text[], $6::text[]) AS t(created_at, output, level)
         RETURNING 1
       )
       UPDATE workspace_agents SET logs_overflowed = true WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM grown) RETURNING false AS ok`,
      [agentId, sourceId, bytes, logs.map((l) => l.createdAt), logs.map((l) => l.output), logs.map((l) => l.level)],
    );
    return rows.length === 0;
  }

  async insertLogSource(agentId: string, s: { id: string; displayName: string; icon: string }): Promise<{ workspace_agent_id: string; id: string; created_at: string; display_name: string; icon: string }> {
    const rows = await this.ds.query(
      `INSERT INTO workspace_agent_log_sources (workspace_agent_id, id, display_name, icon) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_agent_id, id) DO UPDATE SET display_name = EXCLUDED.display_name, icon = EXCLUDED.icon
       RETURNING workspace_agent_id, id, ${isoTimestamp('created_at')} AS created_at, display_name, icon`,
      [agentId, s.id, s.displayName, s.icon],
    );
    return rows[0];
  }

  async logSources(agentId: string): Promise<Array<{ workspace_agent_id: string; id: string; created_at: string; display_name: string; icon: string }>> {
    return this.ds.query(
      `SELECT workspace_agent_id, id, ${isoTimestamp('created_at')} AS created_at, display_name, icon
       FROM workspace_agent_log_sources WHERE workspace_agent_id = $1 ORDER BY created_at, id`,
      [agentId],
    );
  }

  /** Logs after the id `after`, oldest first; `before` (0 = none) bounds them from above. */
  async logs(agentId: string, after: number, before = 0, limit = 10_000): Promise<AgentLogRow[]> {
    return this.ds.query(
      `SELECT id::int, ${isoTimestamp('created_at')} AS created_at, output, level, log_source_id FROM workspace_agent_logs
       WHERE agent_id = $1 AND id > $2 AND ($3 = 0 OR id < $3) ORDER BY id LIMIT $4`,
      [agentId, after, before, limit],
    );
  }

  /** Sets the health of some of the agent's apps, in one statement. */
  async setAppHealths(agentId: string, healths: Array<{ appId: string; health: string }>): Promise<void> {
    await this.ds.query(
      `UPDATE workspace_apps p SET health = t.health::workspace_app_health
       FROM unnest($2::uuid[], $3::text[]) AS t(id, health) WHERE p.id = t.id AND p.agent_id = $1`,
      [agentId, healths.map((h) => h.appId), healths.map((h) => h.health)],
    );
  }

  /** The agents of the workspace's latest build, with whether that build has an external agent. */
  async ofLatestBuild(workspaceId: string): Promise<Array<{ id: string; name: string; operating_system: string; architecture: string; instance_id: string | null; external: boolean; build_has_external_agent: boolean }>> {
    return this.ds.query(
      `SELECT a.id, a.name, a.operating_system, a.architecture, a.auth_instance_id AS instance_id, a.external,
         COALESCE(lb.has_external_agent, false) AS build_has_external_agent
       FROM (SELECT job_id, has_external_agent FROM workspace_builds WHERE workspace_id = $1 ORDER BY build_number DESC LIMIT 1) lb
       LEFT JOIN workspace_resources r ON r.job_id = lb.job_id LEFT JOIN workspace_agents a ON a.resource_id = r.id AND NOT a.deleted`,
      [workspaceId],
    );
  }

  async exists(agentId: string): Promise<boolean> {
    return (await this.ds.query(`SELECT 1 FROM workspace_agents WHERE id = $1 AND NOT deleted`, [agentId])).length > 0;
  }
}
