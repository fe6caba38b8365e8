import { Body, Controller, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Endpoint } from '#httpapi/endpoint.js';
import type { FormFields } from '#httpapi/form-body.js';
import { redirect, sendPage } from '#httpapi/html.js';
import { clientIp, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { NoStoreInterceptor } from '#httpapi/no-store.js';
import { RequireExperiment } from '#httpapi/require-experiment.js';
import { extractToken } from '#httpapi/token.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { Authenticator } from '../auth/authenticator.service.js';
import { LoginRateLimited } from '../auth/rate-limit.guard.js';
import { consentPage, invalidRequestPage } from './consent-page.js';
import { Oauth2AuthorizeService } from './oauth2-authorize.service.js';
import { invalidRequest } from './oauth2-error.js';
import { queryFields } from './oauth2-params.js';
import type { ClientRow } from './oauth2-protocol.repository.js';

const AUTHORIZE_DOC =
  'OAuth2 authorization endpoint (RFC 6749 4.1, PKCE S256 per RFC 7636, `resource` per RFC 8707). Needs a browser session; without one the browser is sent to /login (303). ' +
  'Until the client and its redirect URI are known, errors stay here (400/401); after, they go back to the redirect URI as `error=` parameters.';

/** The browser side of the code flow: the consent page, and the form it posts. */
@ApiTags('OAuth2')
@RequireExperiment('oauth2')
@UseInterceptors(NoStoreInterceptor)
@Controller('oauth2')
export class Oauth2AuthorizeController {
  constructor(
    private readonly authorize: Oauth2AuthorizeService,
    private readonly authenticator: Authenticator,
  ) {}

  @LoginRateLimited()
  @Endpoint('GET', 'authorize', { id: 'getOAuth2Authorize', summary: 'OAuth2 authorization request', description: `${AUTHORIZE_DOC} Answers the consent page (HTML).`, response: 'string', public: true, errors: [401] })
  async page(@Req() req: AnyRequest, @Res({ passthrough: true }) res: AnyResponse): Promise<string> {
    const step = await this.prepare(req, res);
    if (typeof step === 'string') return step;
    if (step.outcome.kind === 'bad-redirect') return sendPage(res, 400, invalidRequestPage(step.outcome.detail));
    const { client, session } = step;
    const r = step.outcome.request;
    return sendPage(
      res,
      200,
      consentPage({
        appName: client.name,
        appIcon: client.icon,
        username: session.actor.username,
        scopes: r.scopes,
        action: requestPath(req),
        csrfToken: this.authorize.csrfToken(session.token, client.id),
        redirectHost: hostOf(r.redirectUri),
      }),
    );
  }

  @LoginRateLimited()
  @Endpoint('POST', 'authorize', {
    id: 'postOAuth2Authorize',
    summary: 'OAuth2 consent answer',
    description: `${AUTHORIZE_DOC} The consent page's form (\`csrf_token\`, \`decision=allow|deny\`) posted to the same URL and query; answers 302 to the redirect URI with \`code\` (or \`error=access_denied\`), \`state\` and \`iss\`.`,
    public: true,
    status: 302,
    errors: [401],
  })
  async answer(@Req() req: AnyRequest, @Body() body: FormFields | undefined, @Res({ passthrough: true }) res: AnyResponse): Promise<string> {
    const step = await this.prepare(req, res);
    if (typeof step === 'string') return step;
    if (step.outcome.kind === 'bad-redirect') throw invalidRequest(step.outcome.detail);
    const { client, session, outcome } = step;
    const form = body ?? {};
    const csrf = typeof form.csrf_token === 'string' ? form.csrf_token : undefined;
    if (!this.authorize.csrfValid(session.token, client.id, csrf)) throw invalidRequest('The consent form is missing its CSRF token or it is not valid for this session; reload the page');
    if (form.decision !== 'allow') return redirect(res, 302, this.authorize.deny(outcome.request));
    return redirect(res, 302, await this.authorize.approve(session.actor.userId, outcome.request));
  }

  /**
   * What both methods do first: the client (400/401 JSON), the session (else 303 to sign in), the
   * request's checks (a redirect back with an error is answered here). Answers the body sent, or
   * what is left to decide.
   */
  private async prepare(req: AnyRequest, res: AnyResponse) {
    const query = queryFields(req.query);
    const client = await this.authorize.client(query);
    const session = await this.session(req);
    if (!session) return redirect(res, 303, loginUrl(req, client));
    const outcome = this.authorize.check(client, query);
    if (outcome.kind === 'redirect') return redirect(res, 302, outcome.location);
    return { client, session, outcome };
  }

  /** The browser's session, if any (an invalid one is no session: the user signs in again). */
  private async session(req: AnyRequest): Promise<{ actor: Actor; token: string } | undefined> {
    const token = extractToken(req);
    if (!token) return undefined;
    const actor = await this.authenticator.authenticate(token, clientIp(req)).catch(() => undefined);
    return actor ? { actor, token } : undefined;
  }
}

const requestPath = (req: AnyRequest): string => req.originalUrl || req.url || '/oauth2/authorize';

function loginUrl(req: AnyRequest, client: ClientRow): string {
  const message = `Sign in to authorize ${client.name}.`;
  return `/login?message=${encodeURIComponent(message)}&redirect=${encodeURIComponent(requestPath(req))}`;
}

function hostOf(uri: string): string {
  try {
    const u = new URL(uri);
    return u.host || `${u.protocol}${u.pathname}`;
  } catch {
    return uri;
  }
}
