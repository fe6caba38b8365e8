import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { UpdateRolesRequest, User, UserRoles } from '../users/users.dto.js';
import { AssignableRoles } from './roles.dto.js';
import { RolesService } from './roles.service.js';

/** Site roles. Declared before UsersController so `/users/roles` is not read as a username. */
@ApiTags('Members')
@Authenticated()
@Controller('api/v2/users')
export class SiteRolesController {
  constructor(private readonly roles: RolesService) {}

  @Endpoint('GET', 'roles', { id: 'getSiteRoles', summary: 'Get site member roles', response: [AssignableRoles] })
  siteRoles(@CurrentActor() actor: Actor): AssignableRoles[] {
    return this.roles.siteRoles(actor);
  }

  @Endpoint('GET', ':user/roles', { id: 'getUserRoles', summary: 'Get user roles', response: UserRoles })
  userRoles(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<UserRoles> {
    return this.roles.userRoles(actor, user);
  }

  @Endpoint('PUT', ':user/roles', { id: 'updateUserRoles', summary: 'Assign role to user', response: User, errors: [403] })
  updateUserRoles(@CurrentActor() actor: Actor, @Param('user') user: string, @Body() body: UpdateRolesRequest): Promise<User> {
    return this.roles.updateUserRoles(actor, user, body.roles);
  }
}
