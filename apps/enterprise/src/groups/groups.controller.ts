import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { MessageResponse } from '#coderd/users/users.dto.js';
import { CreateGroupRequest, Group, PatchGroupRequest } from './groups.dto.js';
import { GroupsService } from './groups.service.js';

/** Groups of one organization. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('template_rbac')
@Controller('api/v2/organizations/:organization/groups')
export class OrganizationGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Endpoint('POST', '', { id: 'createGroupForOrganization', summary: 'Create group for organization', response: Group, errors: [403, 409] })
  create(@CurrentActor() actor: Actor, @Param('organization') org: string, @Body() body: CreateGroupRequest): Promise<Group> {
    return this.groups.create(actor, org, body);
  }

  @Endpoint('GET', '', { id: 'getGroupsByOrganization', summary: 'Get groups by organization', response: [Group], errors: [403] })
  list(@CurrentActor() actor: Actor, @Param('organization') org: string): Promise<Group[]> {
    return this.groups.listByOrganization(actor, org);
  }

  @Endpoint('GET', ':groupName', { id: 'getGroupByOrganizationAndGroupName', summary: 'Get group by organization and group name', response: Group, errors: [403] })
  get(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('groupName') name: string): Promise<Group> {
    return this.groups.getByName(actor, org, name);
  }
}

/** Groups across organizations, and a group by id. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('template_rbac')
@Controller('api/v2/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @ApiQuery({ name: 'organization', required: false, description: 'Organization id or name.' })
  @ApiQuery({ name: 'has_member', required: false, description: 'User id or username: only groups this user is in.' })
  @ApiQuery({ name: 'group_ids', required: false, description: 'Comma-separated group ids.' })
  @Endpoint('GET', '', { id: 'getGroups', summary: 'Get groups', response: [Group], errors: [403] })
  list(@CurrentActor() actor: Actor, @Req() req: AnyRequest): Promise<Group[]> {
    return this.groups.list(actor, {
      organization: queryParam(req, 'organization'),
      has_member: queryParam(req, 'has_member'),
      group_ids: queryParam(req, 'group_ids'),
    });
  }

  @Endpoint('GET', ':group', { id: 'getGroupById', summary: 'Get group by ID', response: Group, errors: [403] })
  get(@CurrentActor() actor: Actor, @Param('group') group: string): Promise<Group> {
    return this.groups.get(actor, group);
  }

  @Endpoint('PATCH', ':group', { id: 'updateGroup', summary: 'Update group', response: Group, errors: [403, 409] })
  patch(@CurrentActor() actor: Actor, @Param('group') group: string, @Body() body: PatchGroupRequest): Promise<Group> {
    return this.groups.patch(actor, group, body);
  }

  @Endpoint('DELETE', ':group', { id: 'deleteGroup', summary: 'Delete group', response: MessageResponse, status: 200, errors: [403] })
  async delete(@CurrentActor() actor: Actor, @Param('group') group: string): Promise<MessageResponse> {
    await this.groups.delete(actor, group);
    return { message: 'Successfully deleted group!' };
  }
}
