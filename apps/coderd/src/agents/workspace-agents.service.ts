import type { ServerResponse } from 'node:http';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { badRequest, notFound } from '#httpapi/api-error.js';
import { PubsubFanout } from '#db/pubsub-fanout.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { Pubsub } from '#db/pubsub.js';
import { streamEvents } from '#httpapi/event-stream.js';
import { AuthzService } from '../auth/authz.service.js';
import { isUuid } from '../files/files.service.js';
import { toAgent } from '../provisioners/resource.mapper.js';
import type { WorkspaceAgent } from '../provisioners/resources.dto.js';
import { Draining } from '../server/draining.js';
import { workspaceObject } from '../workspaces/workspace-builder.js';
import { AGENT_LOGS_CHANNEL } from './agent-api.service.js';
import type { AgentConnectionInfo, ListeningPortsResponse, WorkspaceAgentMetadata } from './agent-reports.dto.js';
import { AgentReportsRepository, toMetadataDescription, type AgentMetadataRow } from './agent-reports.repository.js';
import { AGENT_METADATA_CHANNEL } from './agent-reports.service.js';
import type { WorkspaceAgentLog } from './agents.dto.js';
import { AgentsRepository, type AgentLogRow, type AgentWithWorkspace } from './agents.repository.js';

const toLog = (l: AgentLogRow): WorkspaceAgentLog => ({ id: l.id, created_at: l.created_at, output: l.output, level: l.level, source_id: l.log_source_id });

const toMetadata = (m: AgentMetadataRow, now: number): WorkspaceAgentMetadata => ({
  result: { collected_at: m.collected_at, age: Math.max(0, Math.floor((now - Date.parse(m.collected_at)) / 1000)), value: m.value, error: m.error },
  description: toMetadataDescription(m),
});

/** This server relays no tailnet traffic: clients get an empty DERP map (no regions). */
export const CONNECTION_INFO: AgentConnectionInfo = { derp_map: { Regions: {} }, derp_force_websockets: false, disable_direct_connections: false, hostname_suffix: 'coder' };

/** An app served on the agent's machine at this port ("http://localhost:8080") already has a link: Coder leaves its port out. */
function appPort(url: unknown): number | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    if (!['localhost', '127.0.0.1', '0.0.0.0', '[::1]'].includes(u.hostname)) return undefined;
    return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  } catch {
    return undefined;
  }
}

/** The user-facing agent routes: an agent is readable by whoever may read its workspace. */
@Injectable()
export class WorkspaceAgentsService implements OnModuleInit {
  private logWatchers?: PubsubFanout;
  private metadataWatchers?: PubsubFanout;

  constructor(
    private readonly agents: AgentsRepository,
    private readonly reports: AgentReportsRepository,
    private readonly authz: AuthzService,
    private readonly pubsub: Pubsub,
    private readonly draining: Draining,
  ) {}

  async onModuleInit(): Promise<void> {
    this.logWatchers = await PubsubFanout.start(this.pubsub, AGENT_LOGS_CHANNEL);
    this.metadataWatchers = await PubsubFanout.start(this.pubsub, AGENT_METADATA_CHANNEL);
  }

  async resolve(actor: Actor, id: string): Promise<AgentWithWorkspace> {
    const a = isUuid(id) ? await this.agents.findWithWorkspace(id) : undefined;
    if (!a) throw notFound();
    this.authz.requireRead(actor, workspaceObject({ ...a, id: a.workspace_id }));
    return a;
  }

  async get(actor: Actor, id: string): Promise<WorkspaceAgent> {
    const a = await this.resolve(actor, id);
    return { ...toAgent(a), log_sources: await this.agents.logSources(a.id) };
  }

  async logs(agentId: string, after: number, before: number): Promise<WorkspaceAgentLog[]> {
    return (await this.agents.logs(agentId, after, before)).map(toLog);
  }

  /**
   * Follows an agent's logs as Server-Sent Events: what exists after `after`, then each new batch as
   * any replica announces it. Ends when the client leaves, the agent is gone, or the server drains.
   */
  follow(out: ServerResponse, agentId: string, after: number): Promise<void> {
    let last = after;
    return streamEvents(
      out,
      {
        read: async (send) => {
          for (const l of await this.agents.logs(agentId, last)) {
            last = l.id;
            send(toLog(l));
          }
          return !(await this.agents.exists(agentId));
        },
        watch: (wake) => this.logWatchers!.watch(agentId, wake),
      },
      this.draining.signal,
    );
  }

  async metadata(agentId: string): Promise<WorkspaceAgentMetadata[]> {
    const now = Date.now();
    return (await this.reports.metadata(agentId)).map((m) => toMetadata(m, now));
  }

  /**
   * GET /workspaceagents/{id}/watch-metadata: the agent's metadata as one `data` event (an array),
   * then again whenever the agent posts results, on any replica.
   */
  watchMetadata(out: ServerResponse, agentId: string): Promise<void> {
    return streamEvents(
      out,
      {
        read: async (send) => {
          send(await this.metadata(agentId));
          return !(await this.agents.exists(agentId));
        },
        watch: (wake) => this.metadataWatchers!.watch(agentId, wake),
      },
      this.draining.signal,
    );
  }

  /** Coder answers 400 unless the agent is connected; ports that the agent's apps already link to are left out. */
  async listeningPorts(a: AgentWithWorkspace): Promise<ListeningPortsResponse> {
    const status = toAgent(a).status;
    if (status !== 'connected') throw badRequest(`Agent state is "${status}", it must be in the "connected" state.`);
    const appPorts = new Set(a.apps.map((p) => appPort(p.url)).filter((p) => p !== undefined));
    return { ports: (await this.reports.listeningPorts(a.id)).filter((p) => !appPorts.has(p.port)) };
  }
}
