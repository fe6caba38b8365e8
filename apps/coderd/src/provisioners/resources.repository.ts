import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProvisionedResource } from '#provisioner/protocol.js';
import type { Transition } from '#provisioner/template-document.js';

/** What a job produced: resources with their metadata, agents, apps and scripts (facts 3.4). */
@Injectable()
export class ResourcesRepository {
  async insert(db: EntityManager, jobId: string, transition: Transition, resources: ProvisionedResource[]): Promise<void> {
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
          `INSERT INTO workspace_agents (id, name, resource_id, auth_token, architecture, operating_system, environment_variables,
             directory, connection_timeout_seconds, troubleshooting_url, motd_file, display_order)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [a.id, a.name, resourceId, a.token, a.architecture, a.operating_system, a.env, a.directory, a.connection_timeout_seconds, a.troubleshooting_url, a.motd_file, a.order],
        );
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
