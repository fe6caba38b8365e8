import { Body, Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiError } from '#httpapi/api-error.js';
import { Endpoint } from '#httpapi/endpoint.js';
import type { FormFields } from '#httpapi/form-body.js';
import { html, page, redirect, sendPage } from '#httpapi/html.js';
import { appendCookie, clientIp, queryParam, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { LoginService } from './login.service.js';
import { LoginRateLimited } from './rate-limit.guard.js';
import { sessionCookie } from './session-cookie.js';

/**
 * A server-rendered sign-in page, where the OAuth2 consent page sends a browser without a session
 * (Coder's web client serves `/login`; this server has no web client). Password login only.
 */
@ApiTags('Authorization')
@Controller('login')
export class LoginPageController {
  constructor(
    private readonly login: LoginService,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  @Endpoint('GET', '', { id: 'getLoginPage', summary: 'Sign-in page', description: 'HTML; `redirect` (a path of this deployment) is where the browser goes once signed in.', response: 'string', public: true })
  show(@Req() req: AnyRequest, @Res({ passthrough: true }) res: AnyResponse): string {
    return sendPage(res, 200, loginPage(safeRedirect(queryParam(req, 'redirect')), queryParam(req, 'message') ?? ''));
  }

  @LoginRateLimited()
  @Endpoint('POST', '', { id: 'postLoginPage', summary: 'Sign in from the sign-in page', description: 'The page\'s form (`email`, `password`, `redirect`): sets the session cookie and answers 303 to `redirect`; a failed sign-in shows the page again with the reason.', public: true, status: 303, errors: [401, 403] })
  async submit(@Req() req: AnyRequest, @Body() body: FormFields | undefined, @Res({ passthrough: true }) res: AnyResponse): Promise<string> {
    const field = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : '');
    const target = safeRedirect(field('redirect'));
    if (!field('email').trim() || !field('password')) return sendPage(res, 400, loginPage(target, 'Enter your email (or username) and password.', true));
    try {
      const issued = await this.login.login(field('email').trim(), field('password'), clientIp(req));
      appendCookie(res, sessionCookie(this.config, issued.token, issued.row.expires_at));
      return redirect(res, 303, target);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
      return sendPage(res, err.status, loginPage(target, err.message, true));
    }
  }
}

/** Only a path of this deployment: never another origin (`//host`, `/\host`, a scheme). */
export function safeRedirect(target: string | undefined): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/';
  return target;
}

function loginPage(redirectTo: string, message: string, isError = false) {
  return page(
    'Sign in',
    html`<h1>Sign in to Coder</h1>${message ? html`<p class="${isError ? 'error' : ''}">${message}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="redirect" value="${redirectTo}">
<label for="email">Email</label><input id="email" name="email" type="text" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions"><button class="primary" type="submit">Sign in</button></div>
</form>`,
  );
}
