import { Body, Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { appendCookie, clientIp, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { ApiKeysService } from '../apikeys/apikeys.service.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { LoginWithPasswordRequest, LoginWithPasswordResponse, MessageResponse } from '../users/users.dto.js';
import { LoginService } from './login.service.js';
import { LoginRateLimited } from './rate-limit.guard.js';
import { sessionCookie } from './session-cookie.js';

/** Login is public; logout needs the session it ends. */
@ApiTags('Authorization')
@Controller('api/v2/users')
export class LoginController {
  constructor(
    private readonly login: LoginService,
    private readonly keys: ApiKeysService,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  @LoginRateLimited()
  @Endpoint('POST', 'login', {
    id: 'logInUserWithPassword',
    summary: 'Log in user',
    description: 'Returns a session token and sets it as the coder_session_token cookie.',
    response: LoginWithPasswordResponse,
    errors: [403],
    public: true,
  })
  async logIn(
    @Body() body: LoginWithPasswordRequest,
    @Req() req: AnyRequest,
    @Res({ passthrough: true }) res: AnyResponse,
  ): Promise<LoginWithPasswordResponse> {
    const issued = await this.login.login(body.email, body.password, clientIp(req));
    appendCookie(res, this.cookie(issued.token, issued.row.expires_at));
    return { session_token: issued.token };
  }

  @Authenticated()
  @Endpoint('POST', 'logout', { id: 'logOutUser', summary: 'Log out user', response: MessageResponse, status: 200 })
  async logOut(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: AnyResponse): Promise<MessageResponse> {
    await this.keys.revoke(actor.apiKeyId);
    appendCookie(res, this.cookie('', new Date(0)));
    return { message: 'Logged out!' };
  }

  private cookie(value: string, expires: Date): string {
    return sessionCookie(this.config, value, expires);
  }
}
