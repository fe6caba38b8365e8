import { Body, Controller, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SelfAuthenticated } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { AgentAuthGuard, CurrentAgent } from './agent-auth.guard.js';
import { AgentApiService } from './agent-api.service.js';
import type { AgentWithWorkspace } from './agents.repository.js';
import { AgentManifest, PatchLogsRequest, PostAppHealthsRequest, PostLifecycleRequest, PostLogSourceRequest, PostStartupRequest, WorkspaceAgentLogSource } from './agents.dto.js';

const AGENT_AUTH =
  'Authenticated with the agent\'s token (as a session token). An agent may call while its build is the latest, and during the stop ' +
  'right after its start until that stop completes (shutdown scripts). Every call counts as a heartbeat.';

@ApiTags('Agents')
@SelfAuthenticated('CoderSessionToken')
@UseGuards(AgentAuthGuard)
@Controller('api/v2/workspaceagents/me')
export class AgentApiController {
  constructor(private readonly api: AgentApiService) {}

  @Endpoint('GET', 'manifest', { id: 'getWorkspaceAgentManifest', summary: 'Get authorized workspace agent manifest', description: AGENT_AUTH, response: AgentManifest })
  manifest(@CurrentAgent() agent: AgentWithWorkspace): AgentManifest {
    return this.api.manifest(agent);
  }

  @Endpoint('POST', 'report-lifecycle', { id: 'postWorkspaceAgentLifecycle', summary: 'Submit workspace agent lifecycle state', description: AGENT_AUTH, status: 204 })
  async lifecycle(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostLifecycleRequest): Promise<void> {
    await this.api.lifecycle(agent, body);
  }

  @Endpoint('POST', 'startup', { id: 'postWorkspaceAgentStartup', summary: 'Submit workspace agent startup', description: `The agent's version, expanded directory and subsystems. ${AGENT_AUTH}`, status: 204 })
  async startup(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostStartupRequest): Promise<void> {
    await this.api.startup(agent, body);
  }

  @Endpoint('PATCH', 'logs', {
    id: 'patchWorkspaceAgentLogs',
    summary: 'Patch workspace agent logs',
    description: `Appends a batch of log lines. An empty batch is 400; past 1 MiB of output in all, 413 and logs_overflowed is set. ${AGENT_AUTH}`,
    status: 200,
    errors: [413],
  })
  async logs(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PatchLogsRequest): Promise<{ message: string }> {
    await this.api.appendLogs(agent, body);
    return { message: 'Logs added.' };
  }

  @Endpoint('POST', 'app-health', {
    id: 'postWorkspaceAgentAppHealth',
    summary: 'Submit workspace agent application health',
    description: `The health of apps with a health check, by app id: initializing, healthy or unhealthy. Another agent's app, or one without a health check, is 404. ${AGENT_AUTH}`,
    status: 200,
  })
  async appHealth(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostAppHealthsRequest): Promise<void> {
    await this.api.appHealths(agent, body);
  }

  @Endpoint('POST', 'log-source', { id: 'postWorkspaceAgentLogSource', summary: 'Post workspace agent log source', description: AGENT_AUTH, response: WorkspaceAgentLogSource })
  logSource(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostLogSourceRequest): Promise<WorkspaceAgentLogSource> {
    return this.api.logSource(agent, body);
  }
}
