import { Body, Controller, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiError } from '#httpapi/api-error.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { LoginRateLimited } from '../auth/rate-limit.guard.js';
import { authMethods } from '../auth/auth-methods.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { AuthMethods, CreateFirstUserRequest, CreateFirstUserResponse, MessageResponse } from './users.dto.js';
import { FirstUserService } from './first-user.service.js';

/**
 * Routes under /users that need no session. Registered before the `/users/{user}` routes so that
 * routers matching in declaration order (Express) do not read "first" as a username.
 */
@ApiTags('Users')
@Controller('api/v2/users')
export class UsersPublicController {
  constructor(
    private readonly firstUser: FirstUserService,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  @Endpoint('GET', 'first', { id: 'checkInitialUserCreated', summary: 'Check initial user created', response: MessageResponse, public: true })
  async checkFirst(): Promise<MessageResponse> {
    if (!(await this.firstUser.exists())) throw new ApiError(404, 'The initial user has not been created!');
    return { message: 'The initial user has already been created!' };
  }

  @LoginRateLimited()
  @Endpoint('POST', 'first', {
    id: 'createInitialUser',
    summary: 'Create initial user',
    description: 'Creates the first user as owner, with the default organization. Only possible once.',
    response: CreateFirstUserResponse,
    errors: [409],
    public: true,
  })
  createFirst(@Body() body: CreateFirstUserRequest): Promise<CreateFirstUserResponse> {
    return this.firstUser.create(body);
  }

  @Endpoint('GET', 'authmethods', { id: 'getAuthenticationMethods', summary: 'Get authentication methods', response: AuthMethods, public: true })
  authMethods(): AuthMethods {
    return authMethods(this.config);
  }
}

