import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestamp } from '#db/sql.js';
import type { ProvisionedAgent, ProvisionedResource } from '#provisioner/protocol.js';
import type { Transition } from '#provisioner/template-document.js';

/** What a job produced: resources with their metadata, agents, apps and scripts (facts 3.4). */
export interface ResourceRow {
  id: string;
  created_at: string;
  job_id: string;
  transition: Transition;
  type: string;
  name: string;
  hide: boolean;
  icon: string;
  instance_type: string | null;
  daily_cost: number;
  metadata: Array<{ key: string; value: string | null; sensitive: boolean }>;
  agents: AgentRow[];
}

export interface AgentRow {
  id: string;
  created_at: string;
  updated_at: string;
  name: string;
  resource_id: string;
  first_connected_at: string | null;
  last_connected_at: string | null;
  disconnected_at: string | null;
  started_at: string | null;
  ready_at: string | null;
  lifecycle_state: string;
  architecture: string;
  operating_system: string;
  environment_variables: Record<string, string> | null;
  directory: string;
  expanded_directory: string;
  version: string;
  api_version: string;
  connection_timeout_seconds: number;
  troubleshooting_url: string;
  logs_length: number;
  logs_overflowed: boolean;
  subsystems: string[];
  display_apps: string[];
  instance_id: string | null;
  apps: Array<Record<string, unknown>>;
  scripts: Array<Record<string, unknown>>;
}

/** An AgentRow's columns over `workspace_agents a`. */
export const AGENT_COLUMNS = `a.id, ${isoTimestamp('a.created_at')} AS created_at, ${isoTimestamp('a.updated_at')} AS updated_at, a.name, a.resource_id,
    ${isoTimestamp('a.first_connected_at')} AS first_connected_at, ${isoTimestamp('a.last_connected_at')} AS last_connected_at,
    ${isoTimestamp('a.disconnected_at')} AS disconnected_at, ${isoTimestamp('a.started_at')} AS started_at, ${isoTimestamp('a.ready_at')} AS ready_at,
    a.lifecycle_state, a.architecture, a.operating_system, a.environment_variables, a.directory, a.expanded_directory, a.version,
    a.api_version, a.connection_timeout_seconds, a.troubleshooting_url, a.logs_length, a.logs_overflowed, a.subsystems, a.display_apps,
    a.auth_instance_id AS instance_id,
    COALESCE((SELECT json_agg(p ORDER BY p.display_order, p.slug) FROM (
      SELECT id, slug, display_name, command, url, icon, subdomain, sharing_level, external, healthcheck_url, healthcheck_interval,
        healthcheck_threshold, health, hidden, open_in, display_group, tooltip, display_order FROM workspace_apps WHERE agent_id = a.id) p), '[]') AS apps,
    COALESCE((SELECT json_agg(sc ORDER BY sc.created_at) FROM (
      SELECT id, log_source_id, log_path, script, cron, run_on_start, run_on_stop, start_blocks_login, timeout_seconds, display_name, created_at
      FROM workspace_agent_scripts WHERE workspace_agent_id = a.id) sc), '[]') AS scripts`;

const AGENT_JSON = `SELECT ${AGENT_COLUMNS}
  FROM workspace_agents a WHERE a.resource_id = r.id AND NOT a.deleted`;

/** A ResourceRow over `workspace_resources r`: for lists, and embedded as JSON in builds (RESOURCES_OF_JOB). */
export const RESOURCE_COLUMNS = `r.id, ${isoTimestamp('r.created_at')} AS created_at, r.job_id, r.transition, r.type, r.name, r.hide, r.icon,
  r.instance_type, r.daily_cost,
  COALESCE((SELECT json_agg(json_build_object('key', m.key, 'value', m.value, 'sensitive', m.sensitive) ORDER BY m.id)
            FROM workspace_resource_metadata m WHERE m.workspace_resource_id = r.id), '[]') AS metadata,
  COALESCE((SELECT json_agg(ag ORDER BY ag.name) FROM (${AGENT_JSON}) ag), '[]') AS agents`;

/** The resources a job produced, as a JSON array of ResourceRow; `jobId` is an SQL expression. */
export const RESOURCES_OF_JOB = (jobId: string) =>
  `COALESCE((SELECT json_agg(rr ORDER BY rr.type, rr.name) FROM (SELECT ${RESOURCE_COLUMNS} FROM workspace_resources r WHERE r.job_id = ${jobId}) rr), '[]')`;

/** Agent tokens (UUIDs, in any case) are kept as the sha256 of their lower-case form, as API key secrets are. */
export const hashAgentToken = (token: string): Buffer => createHash('sha256').update(token.toLowerCase()).digest();

@Injectable()
export class ResourcesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** What the jobs produced, with metadata, agents, apps and scripts, in one query. */
  async listForJobs(jobIds: string[]): Promise<ResourceRow[]> {
    if (jobIds.length === 0) return [];
    return this.ds.query(`SELECT ${RESOURCE_COLUMNS} FROM workspace_resources r WHERE r.job_id = ANY($1::uuid[]) ORDER BY r.transition, r.type, r.name`, [jobIds]);
  }

  /** `tokenOf` gives each agent's token (external agents get a derived one); the token itself is not stored. */
  async insert(db: EntityManager, jobId: string, transition: Transition, resources: ProvisionedResource[], tokenOf: (a: ProvisionedAgent) => Promise<string>): Promise<void> {
    for (const r of resources) {
      const resourceId = randomUUID();
      await db.query(
        `INSERT INTO workspace_resources (id, job_id, transition, type, name, hide, icon, instance_type, daily_cost)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [resourceId, jobId, transition, r.type, r.name, r.hide, r.icon, r.instance_type, r.daily_cost],
      );
      if (r.metadata.length > 0) {
        await db.query(
          `INSERT INTO workspace_resource_metadata (workspace_resource_id, key, value, sensitive)
           SELECT $1, t.key, t.value, t.sensitive FROM unnest($2::text[], $3::text[], $4::boolean[]) AS t(key, value, sensitive)`,
          [resourceId, r.metadata.map((m) => m.key), r.metadata.map((m) => m.value), r.metadata.map((m) => m.sensitive)],
        );
      }
      for (const a of r.agents) {
        await db.query(
          `INSERT INTO workspace_agents (id, name, resource_id, hashed_auth_token, architecture, operating_system, environment_variables,
             directory, connection_timeout_seconds, troubleshooting_url, motd_file, display_order, external)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            a.id, a.name, resourceId, hashAgentToken(await tokenOf(a)), a.architecture, a.operating_system, a.env, a.directory,
            a.connection_timeout_seconds, a.troubleshooting_url, a.motd_file, a.order, a.external === true,
          ],
        );
        const metadata = a.metadata ?? [];
        if (metadata.length > 0) {
          await db.query(
            `INSERT INTO workspace_agent_metadata (workspace_agent_id, key, display_name, script, "interval", timeout, display_order)
             SELECT $1, t.* FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::int[]) AS t`,
            [a.id, metadata.map((m) => m.key), metadata.map((m) => m.display_name), metadata.map((m) => m.script), metadata.map((m) => m.interval), metadata.map((m) => m.timeout), metadata.map((m) => m.order)],
          );
        }
        for (const app of a.apps) {
          await db.query(
            `INSERT INTO workspace_apps (id, agent_id, slug, display_name, icon, command, url, healthcheck_url, healthcheck_interval,
               healthcheck_threshold, health, subdomain, sharing_level, external, display_order, hidden, open_in, display_group, tooltip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
            [
              app.id, a.id, app.slug, app.display_name, app.icon, app.command, app.url, app.healthcheck?.url ?? '',
              app.healthcheck?.interval ?? 0, app.healthcheck?.threshold ?? 0, app.healthcheck ? 'initializing' : 'disabled',
              app.subdomain, app.sharing_level, app.external, app.order, app.hidden, app.open_in, app.group, app.tooltip,
            ],
          );
        }
        for (const s of a.scripts) {
          await db.query(
            `INSERT INTO workspace_agent_scripts (id, workspace_agent_id, log_source_id, log_path, script, cron, start_blocks_login,
               run_on_start, run_on_stop, timeout_seconds, display_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
            [randomUUID(), a.id, randomUUID(), s.log_path, s.script, s.cron, s.start_blocks_login, s.run_on_start, s.run_on_stop, s.timeout_seconds, s.display_name],
          );
        }
      }
    }
  }
}
