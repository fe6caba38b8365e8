import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { parsePagination } from '#httpapi/pagination.js';
import { MessageResponse } from '../users/users.dto.js';
import { WorkspaceSettingsService } from './workspace-settings.service.js';
import {
  CreateWorkspaceRequest,
  PutExtendWorkspaceRequest,
  UpdateWorkspaceAutomaticUpdatesRequest,
  UpdateWorkspaceAutostartRequest,
  UpdateWorkspaceDormancy,
  UpdateWorkspaceRequest,
  UpdateWorkspaceTTLRequest,
  Workspace,
  WorkspacesResponse,
} from './workspaces.dto.js';
import { WorkspacesService } from './workspaces.service.js';

const includeDeleted = (req: AnyRequest) => queryParam(req, 'include_deleted') === 'true';

@ApiTags('Workspaces')
@Authenticated()
@Controller('api/v2')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly settings: WorkspaceSettingsService,
  ) {}

  @Endpoint('POST', 'organizations/:organization/members/:user/workspaces', {
    id: 'createUserWorkspaceByOrganization',
    summary: 'Create user workspace by organization',
    description: 'Creates the workspace and posts its first build (a start). Parameter problems are 400 with one validation per parameter.',
    response: Workspace,
    errors: [403, 406, 409],
  })
  createInOrg(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('user') user: string, @Body() body: CreateWorkspaceRequest): Promise<Workspace> {
    return this.workspaces.create(actor, user, body, org);
  }

  @Endpoint('POST', 'users/:user/workspaces', {
    id: 'createUserWorkspace',
    summary: 'Create user workspace',
    description: 'As the organization route, in the template\'s organization.',
    response: Workspace,
    errors: [403, 406, 409],
  })
  create(@CurrentActor() actor: Actor, @Param('user') user: string, @Body() body: CreateWorkspaceRequest): Promise<Workspace> {
    return this.workspaces.create(actor, user, body);
  }

  @ApiQuery({ name: 'q', required: false, description: 'Search: owner:, name:, template:, organization:, status:, outdated:, has-agent:, dormant:, deleted:, has_external_agent:, last_used_before:, last_used_after:, or a bare name or owner/name.' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @Endpoint('GET', 'workspaces', {
    id: 'listWorkspaces',
    summary: 'List workspaces',
    description: 'The caller\'s favorites first, then running ones, then by owner and name; `count` is the number of matches.',
    response: WorkspacesResponse,
  })
  list(@CurrentActor() actor: Actor, @Req() req: AnyRequest): Promise<WorkspacesResponse> {
    return this.workspaces.list(actor, queryParam(req, 'q'), parsePagination(req));
  }

  @ApiQuery({ name: 'include_deleted', required: false, type: Boolean })
  @Endpoint('GET', 'workspaces/:workspace', { id: 'getWorkspaceMetadataByID', summary: 'Get workspace metadata by ID', description: 'A deleted workspace is 410 unless include_deleted=true.', response: Workspace, errors: [410] })
  get(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Req() req: AnyRequest): Promise<Workspace> {
    return this.workspaces.get(actor, id, includeDeleted(req));
  }

  @ApiQuery({ name: 'include_deleted', required: false, type: Boolean })
  @Endpoint('GET', 'users/:user/workspace/:workspacename', {
    id: 'getWorkspaceMetadataByUserAndWorkspaceName',
    summary: 'Get workspace metadata by user and workspace name',
    description: 'Live workspaces only, unless include_deleted=true (then also the most recently deleted one of that name).',
    response: Workspace,
  })
  getByName(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('workspacename') name: string, @Req() req: AnyRequest): Promise<Workspace> {
    return this.workspaces.getByOwnerAndName(actor, user, name, includeDeleted(req));
  }

  @Endpoint('PATCH', 'workspaces/:workspace', { id: 'updateWorkspaceMetadataByID', summary: 'Update workspace metadata by ID', description: 'Renames the workspace.', status: 204, errors: [403, 409, 410] })
  async rename(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Body() body: UpdateWorkspaceRequest): Promise<void> {
    await this.workspaces.rename(actor, id, body.name);
  }

  @Endpoint('PUT', 'workspaces/:workspace/autostart', { id: 'updateWorkspaceAutostartScheduleByID', summary: 'Update workspace autostart schedule by ID', status: 204, errors: [403, 410] })
  async autostart(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Body() body: UpdateWorkspaceAutostartRequest): Promise<void> {
    await this.settings.autostart(actor, id, body.schedule);
  }

  @Endpoint('PUT', 'workspaces/:workspace/ttl', { id: 'updateWorkspaceTTLByID', summary: 'Update workspace TTL by ID', status: 204, errors: [403, 410] })
  async ttl(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Body() body: UpdateWorkspaceTTLRequest): Promise<void> {
    await this.settings.ttl(actor, id, body.ttl_ms);
  }

  @Endpoint('PUT', 'workspaces/:workspace/extend', {
    id: 'extendWorkspaceDeadlineByID',
    summary: 'Extend workspace deadline by ID',
    description: '409 unless the latest build is a finished start with a deadline; 400 for a deadline under 30 minutes away or past the max deadline.',
    response: MessageResponse,
    errors: [403, 409, 410],
  })
  extend(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Body() body: PutExtendWorkspaceRequest): Promise<MessageResponse> {
    return this.settings.extend(actor, id, body.deadline);
  }

  @Endpoint('PUT', 'workspaces/:workspace/dormant', { id: 'updateWorkspaceDormancyStatusByID', summary: 'Update workspace dormancy status by id', response: Workspace, errors: [403, 410] })
  dormant(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Body() body: UpdateWorkspaceDormancy): Promise<Workspace> {
    return this.settings.dormant(actor, id, body.dormant);
  }

  @Endpoint('PUT', 'workspaces/:workspace/autoupdates', { id: 'updateWorkspaceAutomaticUpdatesByID', summary: 'Update workspace automatic updates by ID', status: 204, errors: [403, 410] })
  async autoupdates(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Body() body: UpdateWorkspaceAutomaticUpdatesRequest): Promise<void> {
    await this.settings.autoupdates(actor, id, body.automatic_updates);
  }
}
