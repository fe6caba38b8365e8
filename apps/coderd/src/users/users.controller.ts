import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { parsePagination } from '#httpapi/pagination.js';
import { CreateUserRequest, GetUsersResponse, MessageResponse, UpdateUserPasswordRequest, UpdateUserProfileRequest, User } from './users.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('Users')
@Authenticated()
@Controller('api/v2/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Endpoint('POST', '', { id: 'createUser', summary: 'Create new user', response: User, errors: [403, 409] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserRequest): Promise<User> {
    return this.users.create(actor, body);
  }

  @ApiQuery({ name: 'q', required: false, description: 'Search: words match username/email; terms username:, email:, status:, role:, login_type:, github_com_user_id:, created_before:, created_after:, last_seen_before:, last_seen_after:, service_account:.' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Page size; 0 or absent returns every match.' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'after_id', required: false, description: 'Cursor: return users after this user id (by username order). Not with offset.' })
  @Endpoint('GET', '', { id: 'getUsers', summary: 'Get users', response: GetUsersResponse })
  list(@CurrentActor() actor: Actor, @Req() req: AnyRequest): Promise<GetUsersResponse> {
    return this.users.list(actor, queryParam(req, 'q'), parsePagination(req));
  }

  @Endpoint('GET', ':user', { id: 'getUser', summary: 'Get user by ID, username, or "me"', response: User })
  get(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<User> {
    return this.users.get(actor, user);
  }

  @Endpoint('PUT', ':user/profile', { id: 'updateUserProfile', summary: 'Update user profile', response: User, errors: [403, 409] })
  updateProfile(@CurrentActor() actor: Actor, @Param('user') user: string, @Body() body: UpdateUserProfileRequest): Promise<User> {
    return this.users.updateProfile(actor, user, body);
  }

  @Endpoint('PUT', ':user/status/suspend', { id: 'suspendUser', summary: 'Suspend user account', response: User, errors: [403] })
  suspend(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<User> {
    return this.users.setStatus(actor, user, 'suspended');
  }

  @Endpoint('PUT', ':user/status/activate', { id: 'activateUser', summary: 'Activate user account', response: User, errors: [403] })
  activate(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<User> {
    return this.users.setStatus(actor, user, 'active');
  }

  @Endpoint('PUT', ':user/password', {
    id: 'updateUserPassword',
    summary: 'Update user password',
    description: "Changing your own password needs old_password. The user's other sessions and tokens are revoked.",
    status: 204,
    errors: [403],
  })
  async updatePassword(@CurrentActor() actor: Actor, @Param('user') user: string, @Body() body: UpdateUserPasswordRequest): Promise<void> {
    await this.users.updatePassword(actor, user, body);
  }

  @Endpoint('DELETE', ':user', { id: 'deleteUser', summary: 'Delete user', response: MessageResponse, status: 200, errors: [403] })
  async delete(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<MessageResponse> {
    await this.users.delete(actor, user);
    return { message: 'User has been deleted!' };
  }
}
