import type { ServerResponse } from 'node:http';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { notFound } from '#httpapi/api-error.js';
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
import type { WorkspaceAgentLog } from './agents.dto.js';
import { AgentsRepository, type AgentLogRow, type AgentWithWorkspace } from './agents.repository.js';

const toLog = (l: AgentLogRow): WorkspaceAgentLog => ({ id: l.id, created_at: l.created_at, output: l.output, level: l.level, source_id: l.log_source_id });

/** The user-facing agent routes: an agent is readable by whoever may read its workspace. */
@Injectable()
export class WorkspaceAgentsService implements OnModuleInit {
  private readonly logListeners = new Map<string, Set<() => void>>();

  constructor(
    private readonly agents: AgentsRepository,
    private readonly authz: AuthzService,
    private readonly pubsub: Pubsub,
    private readonly draining: Draining,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.pubsub.subscribe(AGENT_LOGS_CHANNEL, (agentId) => {
      for (const fn of this.logListeners.get(agentId) ?? []) fn();
    });
    // Announcements may have been lost while reconnecting: every follower reads again.
    this.pubsub.onReconnect(() => {
      for (const set of this.logListeners.values()) for (const fn of set) fn();
    });
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
        watch: (wake) => this.watchLogs(agentId, wake),
      },
      this.draining.signal,
    );
  }

  private watchLogs(agentId: string, wake: () => void): () => void {
    const listeners = this.logListeners.get(agentId) ?? new Set();
    this.logListeners.set(agentId, listeners);
    listeners.add(wake);
    return () => {
      listeners.delete(wake);
      if (listeners.size === 0) this.logListeners.delete(agentId);
    };
  }
}
