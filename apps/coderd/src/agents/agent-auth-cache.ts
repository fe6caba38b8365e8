import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Pubsub } from '#db/pubsub.js';
import { AgentsRepository, type AgentWithWorkspace } from './agents.repository.js';

/** Announced by the database (a trigger) for every change that can decide an agent token's access. */
export const AGENT_AUTH_CHANNEL = 'workspace_agent_auth';
/** A safety net only: every change that matters invalidates at once. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;

/**
 * Agent authentications (token hash → agent with its own build), cached so that an agent's report
 * costs no authentication query while nothing changed. Exact on every replica:
 *
 * - the database announces each new build, each build job's end or cancel, and each workspace deletion on
 *   AGENT_AUTH_CHANNEL from the changing transaction; every replica drops that workspace's entries;
 * - API changes answer only after this replica received their notifications (the state barrier);
 * - a daemon's completion holds the workspace before its commit (`hold`) and releases it after:
 *   meanwhile lookups for it go to the database and are not cached;
 * - a load that overlaps any invalidation is answered but not cached (it may have read the old rows).
 *
 * Only the window between a commit on another replica and its notification reaching this one
 * remains (milliseconds), as for every cache here.
 */
@Injectable()
export class AgentAuthCache implements OnModuleInit {
  private readonly entries = new Map<string, { agent: AgentWithWorkspace; at: number }>();
  /** The cached keys of each workspace, so that an invalidation touches only its own entries. */
  private readonly byWorkspace = new Map<string, Set<string>>();
  private readonly held = new Map<string, number>();
  private epoch = 0;

  constructor(
    private readonly agents: AgentsRepository,
    private readonly pubsub: Pubsub,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.pubsub.subscribe(AGENT_AUTH_CHANNEL, (workspaceId) => this.invalidate(workspaceId));
    this.pubsub.onReconnect(() => this.clear());
  }

  async lookup(hash: Buffer): Promise<AgentWithWorkspace | undefined> {
    const key = hash.toString('base64');
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < TTL_MS && !this.held.has(hit.agent.workspace_id)) return hit.agent;
    const epoch = this.epoch;
    const agent = await this.agents.agentAndItsBuildByToken(hash);
    if (!agent) return undefined;
    if (epoch === this.epoch && !this.held.has(agent.workspace_id)) {
      if (this.entries.size >= MAX_ENTRIES) this.clear();
      this.entries.set(key, { agent, at: Date.now() });
      const keys = this.byWorkspace.get(agent.workspace_id) ?? new Set<string>();
      this.byWorkspace.set(agent.workspace_id, keys.add(key));
    }
    return agent;
  }

  /** Before a change to the workspace commits: no lookup for it is cached until `release`. */
  hold(workspaceId: string): void {
    this.held.set(workspaceId, (this.held.get(workspaceId) ?? 0) + 1);
    this.invalidate(workspaceId);
  }

  release(workspaceId: string): void {
    const n = (this.held.get(workspaceId) ?? 1) - 1;
    if (n > 0) this.held.set(workspaceId, n);
    else this.held.delete(workspaceId);
    this.invalidate(workspaceId);
  }

  private invalidate(workspaceId: string): void {
    this.epoch++;
    for (const key of this.byWorkspace.get(workspaceId) ?? []) this.entries.delete(key);
    this.byWorkspace.delete(workspaceId);
  }

  private clear(): void {
    this.epoch++;
    this.entries.clear();
    this.byWorkspace.clear();
  }
}
