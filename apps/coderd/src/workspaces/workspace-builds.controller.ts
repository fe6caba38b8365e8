import { Body, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, setHeader, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { parsePagination } from '#httpapi/pagination.js';
import { MessageResponse } from '../users/users.dto.js';
import { JobLogStream } from '../provisioners/job-log-stream.js';
import { ProvisionerJobLog } from '../provisioners/jobs.dto.js';
import { WorkspaceResource } from '../provisioners/resources.dto.js';
import { CreateWorkspaceBuildRequest, WorkspaceBuild, WorkspaceBuildParameter, WorkspaceBuildTimings } from './workspace-builds.dto.js';
import { WorkspaceBuildsService } from './workspace-builds.service.js';

export class UpdateWorkspaceBuildStateRequest {
  /** The new provisioner state, base64. */
  @IsString()
  state: string;
}

@ApiTags('Builds')
@Authenticated()
@Controller('api/v2')
export class WorkspaceBuildsController {
  constructor(
    private readonly builds: WorkspaceBuildsService,
    private readonly stream: JobLogStream,
  ) {}

  @Endpoint('POST', 'workspaces/:workspace/builds', {
    id: 'createWorkspaceBuild',
    summary: 'Create workspace build',
    description:
      'Starts, stops or deletes the workspace by posting a build. 409 while a build is active, 406 while the version is still importing, 400 for parameter problems (one validation each).',
    response: WorkspaceBuild,
    errors: [403, 406, 409],
  })
  create(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Body() body: CreateWorkspaceBuildRequest): Promise<WorkspaceBuild> {
    return this.builds.create(actor, id, body);
  }

  @ApiQuery({ name: 'after_id', required: false, type: String })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'since', required: false, type: String, description: 'Only builds created at or after this RFC 3339 time.' })
  @Endpoint('GET', 'workspaces/:workspace/builds', { id: 'getWorkspaceBuildsByWorkspaceID', summary: 'Get workspace builds by workspace ID', description: 'Newest first.', response: [WorkspaceBuild] })
  list(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Req() req: AnyRequest): Promise<WorkspaceBuild[]> {
    return this.builds.list(actor, id, parsePagination(req), queryParam(req, 'since'));
  }

  @Endpoint('GET', 'users/:user/workspace/:workspacename/builds/:buildnumber', {
    id: 'getWorkspaceBuildByUsernameAndWorkspaceNameAndBuildNumber',
    summary: 'Get workspace build by user, workspace name, and build number',
    response: WorkspaceBuild,
  })
  getByNumber(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('workspacename') name: string, @Param('buildnumber') n: string): Promise<WorkspaceBuild> {
    return this.builds.getByNumber(actor, user, name, n);
  }

  @Endpoint('GET', 'workspacebuilds/:workspacebuild', { id: 'getWorkspaceBuild', summary: 'Get workspace build', response: WorkspaceBuild })
  get(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string): Promise<WorkspaceBuild> {
    return this.builds.get(actor, id);
  }

  @ApiQuery({ name: 'after', required: false, type: Number, description: 'Only logs with a larger id.' })
  @ApiQuery({ name: 'follow', required: false, type: Boolean, description: 'Stream logs as Server-Sent Events until the job ends.' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'text'], description: 'text: one line per log (not with follow).' })
  @Endpoint('GET', 'workspacebuilds/:workspacebuild/logs', { id: 'getWorkspaceBuildLogs', summary: 'Get workspace build logs', response: [ProvisionerJobLog] })
  async logs(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string, @Req() req: AnyRequest, @Res({ passthrough: true }) res: AnyResponse): Promise<ProvisionerJobLog[] | string | void> {
    return this.stream.respond(req, res, await this.builds.jobId(actor, id));
  }

  @Endpoint('GET', 'workspacebuilds/:workspacebuild/resources', { id: 'getWorkspaceResourcesForWorkspaceBuild', summary: 'Get workspace resources for workspace build', description: 'Deprecated in Coder: the build itself carries its resources.', response: [WorkspaceResource] })
  resources(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string): Promise<WorkspaceResource[]> {
    return this.builds.resources(actor, id);
  }

  @Endpoint('GET', 'workspacebuilds/:workspacebuild/parameters', { id: 'getBuildParametersForWorkspaceBuild', summary: 'Get build parameters for workspace build', response: [WorkspaceBuildParameter] })
  parameters(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string): Promise<WorkspaceBuildParameter[]> {
    return this.builds.parameters(actor, id);
  }

  @Endpoint('GET', 'workspacebuilds/:workspacebuild/state', {
    id: 'getProvisionerStateForWorkspaceBuild',
    summary: 'Get provisioner state for workspace build',
    description: 'The raw provisioner state (application/octet-stream); template administrators only (anyone else: 404, as in Coder).',
    responseSchema: { type: 'string', format: 'binary' },
  })
  async state(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string, @Res({ passthrough: true }) res: AnyResponse): Promise<Buffer> {
    const state = await this.builds.state(actor, id);
    setHeader(res, 'Content-Type', 'application/octet-stream');
    return state;
  }

  @Endpoint('PUT', 'workspacebuilds/:workspacebuild/state', { id: 'updateWorkspaceBuildState', summary: 'Update workspace build state', description: 'Template administrators only (anyone else: 404, as in Coder).', status: 204 })
  async setState(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string, @Body() body: UpdateWorkspaceBuildStateRequest): Promise<void> {
    await this.builds.setState(actor, id, body.state);
  }

  @Endpoint('GET', 'workspacebuilds/:workspacebuild/timings', { id: 'getWorkspaceBuildTimingsByID', summary: 'Get workspace build timings by ID', response: WorkspaceBuildTimings })
  timings(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string): Promise<WorkspaceBuildTimings> {
    return this.builds.timings(actor, id);
  }

  @ApiQuery({ name: 'expect_status', required: false, enum: ['running', 'pending'], description: 'Cancel only if the job is in this state (412 otherwise).' })
  @Endpoint('PATCH', 'workspacebuilds/:workspacebuild/cancel', { id: 'cancelWorkspaceBuild', summary: 'Cancel workspace build', response: MessageResponse, errors: [403, 412] })
  cancel(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string, @Req() req: AnyRequest): Promise<MessageResponse> {
    return this.builds.cancel(actor, id, queryParam(req, 'expect_status'));
  }
}
