import { Controller, Param, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { logIdParam } from '#httpapi/pagination.js';
import { takeRawResponse } from '#httpapi/raw-response.js';
import { WorkspaceAgent } from '../provisioners/resources.dto.js';
import { AgentConnectionInfo, ListeningPortsResponse, WorkspaceAgentMetadata } from './agent-reports.dto.js';
import { WorkspaceAgentLog } from './agents.dto.js';
import { CONNECTION_INFO, WorkspaceAgentsService } from './workspace-agents.service.js';

@ApiTags('Agents')
@Authenticated()
@Controller('api/v2/workspaceagents')
export class WorkspaceAgentsController {
  constructor(private readonly agents: WorkspaceAgentsService) {}

  @Endpoint('GET', 'connection', {
    id: 'getConnectionInfoGeneric',
    summary: 'Get connection info for workspace agents',
    description: 'How clients reach agents. This server relays no tailnet traffic: the DERP map has no regions.',
    response: AgentConnectionInfo,
  })
  connectionInfo(): AgentConnectionInfo {
    return CONNECTION_INFO;
  }

  @Endpoint('GET', ':workspaceagent', { id: 'getWorkspaceAgentByID', summary: 'Get workspace agent by ID', description: 'Readable by whoever may read its workspace.', response: WorkspaceAgent })
  get(@CurrentActor() actor: Actor, @Param('workspaceagent') id: string): Promise<WorkspaceAgent> {
    return this.agents.get(actor, id);
  }

  @ApiQuery({ name: 'after', required: false, type: Number, description: 'Only logs with a larger id.' })
  @ApiQuery({ name: 'before', required: false, type: Number, description: 'Only logs with a smaller id.' })
  @ApiQuery({ name: 'follow', required: false, type: Boolean, description: 'Stream logs as Server-Sent Events (Coder uses a WebSocket) until the client leaves.' })
  @Endpoint('GET', ':workspaceagent/logs', { id: 'getLogsByWorkspaceAgent', summary: 'Get logs by workspace agent', response: [WorkspaceAgentLog] })
  async logs(@CurrentActor() actor: Actor, @Param('workspaceagent') id: string, @Req() req: AnyRequest, @Res({ passthrough: true }) res: AnyResponse): Promise<WorkspaceAgentLog[] | void> {
    const agent = await this.agents.resolve(actor, id);
    const after = logIdParam('after', queryParam(req, 'after'));
    const before = logIdParam('before', queryParam(req, 'before'));
    const follow = queryParam(req, 'follow');
    if (follow === 'true' || follow === '') return this.agents.follow(takeRawResponse(res), agent.id, after);
    return this.agents.logs(agent.id, after, before);
  }

  @Endpoint('GET', ':workspaceagent/connection', { id: 'getWorkspaceAgentConnectionInfo', summary: 'Get connection info for workspace agent', response: AgentConnectionInfo })
  async agentConnectionInfo(@CurrentActor() actor: Actor, @Param('workspaceagent') id: string): Promise<AgentConnectionInfo> {
    await this.agents.resolve(actor, id);
    return CONNECTION_INFO;
  }

  @Endpoint('GET', ':workspaceagent/listening-ports', {
    id: 'getListeningPortsForWorkspaceAgent',
    summary: 'Get listening ports for workspace agent',
    description: 'The TCP ports the agent last reported, less those its apps already link to. 400 unless the agent is connected.',
    response: ListeningPortsResponse,
  })
  async listeningPorts(@CurrentActor() actor: Actor, @Param('workspaceagent') id: string): Promise<ListeningPortsResponse> {
    return this.agents.listeningPorts(await this.agents.resolve(actor, id));
  }

  @Endpoint('GET', ':workspaceagent/watch-metadata', {
    id: 'watchWorkspaceAgentMetadata',
    summary: 'Watch for workspace agent metadata updates',
    description: 'Server-Sent Events: the metadata as one data event (an array of results with their descriptions), then again at each update.',
    response: [WorkspaceAgentMetadata],
  })
  async watchMetadata(@CurrentActor() actor: Actor, @Param('workspaceagent') id: string, @Res({ passthrough: true }) res: AnyResponse): Promise<void> {
    const agent = await this.agents.resolve(actor, id);
    return this.agents.watchMetadata(takeRawResponse(res), agent.id);
  }
}
