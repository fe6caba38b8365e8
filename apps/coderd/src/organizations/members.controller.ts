import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import type { AnyRequest } from '#httpapi/http.js';
import { parsePagination } from '#httpapi/pagination.js';
import { AssignableRoles } from '../roles/roles.dto.js';
import { UpdateRolesRequest } from '../users/users.dto.js';
import { MembersService } from './members.service.js';
import { OrganizationMember, OrganizationMemberWithUserData, PaginatedMembersResponse } from './organizations.dto.js';

/** `members/roles` is declared before `members/{user}` for declaration-order routers. */
@ApiTags('Members')
@Authenticated()
@Controller('api/v2/organizations/:organization')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Endpoint('GET', 'members/roles', { id: 'getOrganizationRoles', summary: 'Get member roles by organization', response: [AssignableRoles], errors: [403] })
  roles(@CurrentActor() actor: Actor, @Param('organization') org: string): Promise<AssignableRoles[]> {
    return this.members.assignableRoles(actor, org);
  }

  @Endpoint('GET', 'members', { id: 'listOrganizationMembers', summary: 'List organization members', response: [OrganizationMemberWithUserData] })
  async list(@CurrentActor() actor: Actor, @Param('organization') org: string): Promise<OrganizationMemberWithUserData[]> {
    return (await this.members.list(actor, org, { limit: 0, offset: 0 })).members;
  }

  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Page size (default 100).' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @Endpoint('GET', 'paginated-members', { id: 'paginatedOrganizationMembers', summary: 'Paginated organization members', response: PaginatedMembersResponse })
  paginated(@CurrentActor() actor: Actor, @Param('organization') org: string, @Req() req: AnyRequest): Promise<PaginatedMembersResponse> {
    const { limit, offset } = parsePagination(req, { defaultLimit: 100 });
    return this.members.list(actor, org, { limit, offset });
  }

  @Endpoint('GET', 'members/:user', { id: 'getOrganizationMember', summary: 'Get organization member', response: OrganizationMemberWithUserData })
  get(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('user') user: string) {
    return this.members.get(actor, org, user);
  }

  @Endpoint('POST', 'members/:user', { id: 'addOrganizationMember', summary: 'Add organization member', response: OrganizationMember, status: 200, errors: [403] })
  add(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('user') user: string): Promise<OrganizationMember> {
    return this.members.add(actor, org, user);
  }

  @Endpoint('DELETE', 'members/:user', { id: 'removeOrganizationMember', summary: 'Remove organization member', errors: [403] })
  async remove(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('user') user: string): Promise<void> {
    await this.members.remove(actor, org, user);
  }

  @Endpoint('PUT', 'members/:user/roles', { id: 'updateOrganizationMemberRoles', summary: 'Assign role to organization member', response: OrganizationMember, errors: [403] })
  updateRoles(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('user') user: string, @Body() body: UpdateRolesRequest) {
    return this.members.updateRoles(actor, org, user, body.roles);
  }
}
