import { Injectable } from '@nestjs/common';
import { ApiError, badRequest } from '#httpapi/api-error.js';
import { Pubsub } from '#db/pubsub.js';
import { toAgent } from '../provisioners/resource.mapper.js';
import { AgentReportsRepository, toMetadataDescription } from './agent-reports.repository.js';
import { AGENT_LOGS_LIMIT_BYTES, AgentsRepository, type AgentWithWorkspace } from './agents.repository.js';
import type { AgentManifest, PatchLogsRequest, PostAppHealthsRequest, PostLifecycleRequest, PostLogSourceRequest, PostStartupRequest, WorkspaceAgentLogSource } from './agents.dto.js';

/** The channel announcing new logs of an agent (payload: the agent id); followers on every replica read on. */
export const AGENT_LOGS_CHANNEL = 'workspace_agent_logs';
const APP_HEALTH_ERROR = 'Error setting workspace app health';
const REPORTED_HEALTHS = ['initializing', 'healthy', 'unhealthy'];

/** The agent API version this server speaks over HTTP (Coder's agent API major version). */
export const AGENT_API_VERSION = '2.0';

/**
 * What an agent reports about itself, over HTTP JSON (Coder moved these to DRPC; the shapes are its
 * older HTTP routes'). Every call acts only on the authenticated agent's own rows.
 */
@Injectable()
export class AgentApiService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly pubsub: Pubsub,
    private readonly reports: AgentReportsRepository,
  ) {}

  async manifest(a: AgentWithWorkspace): Promise<AgentManifest> {
    const wire = toAgent(a);
    const metadata = await this.reports.metadata(a.id);
    return {
      agent_id: a.id,
      agent_name: a.name,
      owner_name: a.owner_username,
      owner_id: a.owner_id,
      workspace_id: a.workspace_id,
      workspace_name: a.workspace_name,
      template_id: a.template_id,
      environment_variables: a.environment_variables ?? {},
      directory: a.directory,
      motd_file: a.motd_file,
      apps: wire.apps,
      scripts: wire.scripts,
      metadata: metadata.map(toMetadataDescription),
      disable_direct_connections: false,
    };
  }

  async lifecycle(a: AgentWithWorkspace, req: PostLifecycleRequest): Promise<void> {
    await this.agents.setLifecycle(a.id, req.state, req.changed_at ? new Date(req.changed_at) : new Date());
  }

  async startup(a: AgentWithWorkspace, req: PostStartupRequest): Promise<void> {
    await this.agents.setStartup(a.id, { version: req.version, expandedDirectory: req.expanded_directory ?? '', subsystems: req.subsystems ?? [], apiVersion: AGENT_API_VERSION });
  }

  /** PATCH /workspaceagents/me/logs: Coder's 400 for an empty batch, 413 once the agent's logs would pass 1 MiB. */
  async appendLogs(a: AgentWithWorkspace, req: PatchLogsRequest): Promise<void> {
    if (req.logs.length === 0) throw badRequest('No logs provided.');
    const ok = await this.agents.appendLogs(
      a.id,
      req.log_source_id,
      req.logs.map((l) => ({ createdAt: new Date(l.created_at), output: l.output, level: l.level ?? 'info' })),
    );
    if (!ok) throw new ApiError(413, 'Logs limit exceeded', `An agent's logs may hold at most ${AGENT_LOGS_LIMIT_BYTES} bytes of output; later logs are dropped and logs_overflowed is set.`);
    await this.pubsub.publish(AGENT_LOGS_CHANNEL, a.id);
  }

  /**
   * POST /workspaceagents/me/app-health, with Coder's answers: an app that is not this agent's, or has
   * no health check, is 404; a health other than initializing, healthy or unhealthy is 400. Nothing is
   * written unless every entry is valid.
   */
  async appHealths(a: AgentWithWorkspace, req: PostAppHealthsRequest): Promise<void> {
    const updates: Array<{ appId: string; health: string }> = [];
    for (const [appId, health] of Object.entries(req.healths)) {
      const app = a.apps.find((p) => p.id === appId);
      if (!app) throw new ApiError(404, APP_HEALTH_ERROR, `workspace app name ${appId} not found`);
      if (!app.healthcheck_url) throw new ApiError(404, APP_HEALTH_ERROR, `health checking is disabled for workspace app ${appId}`);
      if (!REPORTED_HEALTHS.includes(health)) throw new ApiError(400, APP_HEALTH_ERROR, `workspace app health ${health} is not a valid value`);
      updates.push({ appId, health });
    }
    if (updates.length > 0) await this.agents.setAppHealths(a.id, updates);
  }

  async logSource(a: AgentWithWorkspace, req: PostLogSourceRequest): Promise<WorkspaceAgentLogSource> {
    return this.agents.insertLogSource(a.id, { id: req.id, displayName: req.display_name, icon: req.icon ?? '' });
  }
}
