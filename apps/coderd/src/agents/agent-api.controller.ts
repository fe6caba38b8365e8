import { Body, Controller, Param, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SelfAuthenticated } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { AgentAuthGuard, CurrentAgent } from './agent-auth.guard.js';
import { AgentApiService } from './agent-api.service.js';
import { AgentMetadataResult, AgentStats, AgentStatsResponse, ListeningPortsReport, PatchAppStatusRequest, PostMetadataRequest, PostScriptCompletedRequest, ReportConnectionRequest } from './agent-reports.dto.js';
import { AgentReportsService } from './agent-reports.service.js';
import type { AgentWithWorkspace } from './agents.repository.js';
import { AgentManifest, PatchLogsRequest, PostAppHealthsRequest, PostLifecycleRequest, PostLogSourceRequest, PostStartupRequest, WorkspaceAgentLogSource } from './agents.dto.js';

// No agent route changes state another replica caches, so none waits for the pubsub barrier
// (changesState: false): agents call often, and the barrier is a round trip through the listener.
const AGENT_AUTH =
  'Authenticated with the agent\'s token (as a session token). An agent may call while its build is the latest, and during the stop ' +
  'right after its start until that stop completes (shutdown scripts). Every call counts as a heartbeat.';

@ApiTags('Agents')
@SelfAuthenticated('CoderSessionToken')
@UseGuards(AgentAuthGuard)
@Controller('api/v2/workspaceagents/me')
export class AgentApiController {
  constructor(
    private readonly api: AgentApiService,
    private readonly reports: AgentReportsService,
  ) {}

  @Endpoint('GET', 'manifest', { id: 'getWorkspaceAgentManifest', summary: 'Get authorized workspace agent manifest', description: AGENT_AUTH, response: AgentManifest })
  manifest(@CurrentAgent() agent: AgentWithWorkspace): Promise<AgentManifest> {
    return this.api.manifest(agent);
  }

  @Endpoint('POST', 'report-stats', { changesState: false,
    id: 'postWorkspaceAgentStats',
    summary: 'Submit workspace agent stats',
    description: `Answered once the report is stored (reports are written in batches). A report with sessions counts the workspace as used and bumps its deadline by the template's activity bump. ${AGENT_AUTH}`,
    status: 200,
    response: AgentStatsResponse,
  })
  stats(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: AgentStats): Promise<AgentStatsResponse> {
    return this.reports.reportStats(agent, body);
  }

  @Endpoint('POST', 'report-connection', { changesState: false,
    id: 'postWorkspaceAgentConnection',
    summary: 'Report a workspace agent connection',
    description: `An SSH, VS Code, JetBrains or reconnecting PTY session opened or closed (Coder's ReportConnection). With the connection_log feature it goes to the connection log; its connect and disconnect make one row. ${AGENT_AUTH}`,
    status: 204,
  })
  async reportConnection(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: ReportConnectionRequest): Promise<void> {
    await this.reports.reportConnection(agent, body);
  }

  @Endpoint('POST', 'metadata', { changesState: false,
    id: 'postWorkspaceAgentMetadata',
    summary: 'Submit workspace agent metadata',
    description: `Results for the metadata the template declares; other keys are ignored. Values and errors past 2048 bytes are cut. ${AGENT_AUTH}`,
    status: 204,
  })
  async metadata(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostMetadataRequest): Promise<void> {
    await this.reports.postMetadata(agent, body);
  }

  @Endpoint('POST', 'metadata/:key', { changesState: false, id: 'postWorkspaceAgentMetadataByKey', summary: 'Submit one workspace agent metadata result', description: `Deprecated: use POST metadata. ${AGENT_AUTH}`, status: 204, deprecated: true })
  async metadataByKey(@CurrentAgent() agent: AgentWithWorkspace, @Param('key') key: string, @Body() body: AgentMetadataResult): Promise<void> {
    await this.reports.postMetadata(agent, { metadata: [{ key, result: body }] });
  }

  @Endpoint('POST', 'script-completed', { changesState: false,
    id: 'postWorkspaceAgentScriptCompleted',
    summary: 'Submit a workspace agent script timing',
    description: `One run of one of the agent's scripts (Coder's ScriptCompleted call); shown in the build's timings. ${AGENT_AUTH}`,
    status: 204,
  })
  async scriptCompleted(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostScriptCompletedRequest): Promise<void> {
    await this.reports.scriptCompleted(agent, body);
  }

  @Endpoint('POST', 'listening-ports', { changesState: false,
    id: 'postWorkspaceAgentListeningPorts',
    summary: 'Submit workspace agent listening ports',
    description: `The TCP ports the agent found listening, replacing its previous report. Coder asks the agent over its tailnet instead. ${AGENT_AUTH}`,
    status: 204,
  })
  async listeningPorts(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: ListeningPortsReport): Promise<void> {
    await this.reports.reportListeningPorts(agent, body);
  }

  @Endpoint('PATCH', 'app-status', { changesState: false,
    id: 'patchWorkspaceAgentAppStatus',
    summary: 'Patch workspace agent app status',
    description: `What one of the agent's apps is doing (working, idle, complete, failure); the latest is a task's current state. An unknown app or a message over 160 characters is 400. ${AGENT_AUTH}`,
    status: 200,
  })
  async appStatus(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PatchAppStatusRequest): Promise<void> {
    await this.reports.appStatus(agent, body);
  }

  @Endpoint('POST', 'report-lifecycle', { changesState: false, id: 'postWorkspaceAgentLifecycle', summary: 'Submit workspace agent lifecycle state', description: AGENT_AUTH, status: 204 })
  async lifecycle(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostLifecycleRequest): Promise<void> {
    await this.api.lifecycle(agent, body);
  }

  @Endpoint('POST', 'startup', { changesState: false, id: 'postWorkspaceAgentStartup', summary: 'Submit workspace agent startup', description: `The agent's version, expanded directory and subsystems. ${AGENT_AUTH}`, status: 204 })
  async startup(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostStartupRequest): Promise<void> {
    await this.api.startup(agent, body);
  }

  @Endpoint('PATCH', 'logs', { changesState: false,
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

  @Endpoint('POST', 'app-health', { changesState: false,
    id: 'postWorkspaceAgentAppHealth',
    summary: 'Submit workspace agent application health',
    description: `The health of apps with a health check, by app id: initializing, healthy or unhealthy. Another agent's app, or one without a health check, is 404. ${AGENT_AUTH}`,
    status: 200,
  })
  async appHealth(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostAppHealthsRequest): Promise<void> {
    await this.api.appHealths(agent, body);
  }

  @Endpoint('POST', 'log-source', { changesState: false, id: 'postWorkspaceAgentLogSource', summary: 'Post workspace agent log source', description: AGENT_AUTH, response: WorkspaceAgentLogSource })
  logSource(@CurrentAgent() agent: AgentWithWorkspace, @Body() body: PostLogSourceRequest): Promise<WorkspaceAgentLogSource> {
    return this.api.logSource(agent, body);
  }
}
