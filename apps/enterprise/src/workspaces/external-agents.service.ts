import { Inject, Injectable } from '@nestjs/common';
import { AgentsRepository } from '#coderd/agents/agents.repository.js';
import { initCommand } from '#coderd/agents/init-script.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import type { DeploymentConfig } from '#coderd/config/config.js';
import { ExternalAgentTokens } from '#coderd/provisioners/external-agent-tokens.js';
import { DEPLOYMENT_CONFIG } from '#coderd/tokens.js';
import { workspaceObject } from '#coderd/workspaces/workspace-builder.js';
import { WorkspacesService } from '#coderd/workspaces/workspaces.service.js';
import { ApiError } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { ExternalAgentCredentials } from './external-agents.dto.js';

@Injectable()
export class ExternalAgentsService {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly agents: AgentsRepository,
    private readonly tokens: ExternalAgentTokens,
    private readonly authz: AuthzService,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  /**
   * Coder's answers: 404 when the latest build has no external agent, the name is not one of its
   * agents, or the agent authenticates by instance identity. The token is derived again, never read
   * from the database (docs/agents.md). **Decision:** reading it needs workspace update, not just read
   * as in Coder: the token lets a machine act as the workspace's agent.
   */
  async credentials(actor: Actor, workspaceId: string, agentName: string): Promise<ExternalAgentCredentials> {
    const w = await this.workspaces.resolve(actor, workspaceId);
    this.authz.require(actor, 'update', workspaceObject(w));
    const agents = await this.agents.ofLatestBuild(w.id);
    if (!agents[0]?.build_has_external_agent) throw new ApiError(404, 'Workspace does not have an external agent.');
    const agent = agents.find((a) => a.name === agentName);
    if (!agent) throw new ApiError(404, `External agent '${agentName}' not found in workspace.`);
    if (agent.instance_id) throw new ApiError(404, 'External agent is authenticated with an instance ID.');
    if (!agent.external) throw new ApiError(404, `Agent '${agentName}' is not an external agent.`, 'Only external agents have credentials to read back.');
    const token = await this.tokens.tokenFor(agent.id);
    return { command: initCommand(this.config.accessUrl, agent.operating_system, agent.architecture, token), agent_token: token };
  }
}
