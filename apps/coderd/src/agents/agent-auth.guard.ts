import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext, type OnApplicationShutdown } from '@nestjs/common';
import { GroupCommit } from '#db/group-commit.js';
import { ApiError } from '#httpapi/api-error.js';
import type { AnyRequest } from '#httpapi/http.js';
import { SESSION_TOKEN_COOKIE, extractToken } from '#httpapi/token.js';
import { hashAgentToken } from '../provisioners/resources.repository.js';
import { AgentAuthCache } from './agent-auth-cache.js';
import { AgentsRepository, type AgentWithWorkspace } from './agents.repository.js';

const AGENT_KEY = 'coderWorkspaceAgent';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A request from an agent counts as a heartbeat; writing it more often than this buys nothing. */
const HEARTBEAT_WRITE_INTERVAL_S = 5;

/**
 * Authenticates `/workspaceagents/me/*`: the agent's token, sent like a session token (Coder's
 * httpmw.ExtractWorkspaceAgentAndLatestBuild), must belong to an agent that may still talk to coderd.
 * The agent (with its build and workspace) is kept on the request, so handlers query nothing again.
 */
@Injectable()
export class AgentAuthGuard implements CanActivate, OnApplicationShutdown {
  /** Heartbeats of many agents are written together; a request waits for its own. */
  private readonly heartbeats: GroupCommit<string>;

  constructor(
    private readonly agents: AgentsRepository,
    private readonly cache: AgentAuthCache,
  ) {
    this.heartbeats = new GroupCommit((ids) => this.agents.touchConnections([...new Set(ids)]), 2_000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.heartbeats.flushed();
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AnyRequest>();
    const token = extractToken(req);
    if (!token) throw new ApiError(401, `Cookie "${SESSION_TOKEN_COOKIE}" must be provided.`);
    if (!UUID_RE.test(token)) throw new ApiError(401, 'Workspace agent token invalid.', `An agent token must be a valid UUIDv4. (len ${token.length})`);
    const agent = await this.cache.lookup(hashAgentToken(token));
    if (!agent) {
      throw new ApiError(
        401,
        'Workspace agent not authorized.',
        'The agent cannot authenticate until the workspace provision job has been completed. If the job is no longer running, this agent is invalid.',
      );
    }
    // The auth row already says when the agent was last seen: most requests need no write at all.
    const lastSeen = agent.last_connected_at ? Date.parse(agent.last_connected_at) : 0;
    if (agent.disconnected_at || Date.now() - lastSeen >= HEARTBEAT_WRITE_INTERVAL_S * 1000) {
      await this.heartbeats.add(agent.id);
      // The cached row is this request's too: it now says the agent was just seen.
      agent.last_connected_at = new Date().toISOString();
      agent.first_connected_at ??= agent.last_connected_at;
      agent.disconnected_at = null;
    }
    req[AGENT_KEY] = agent;
    return true;
  }
}

/** The authenticated agent (only on routes behind AgentAuthGuard). */
export const CurrentAgent = createParamDecorator((_: unknown, ctx: ExecutionContext): AgentWithWorkspace => ctx.switchToHttp().getRequest()[AGENT_KEY]);
