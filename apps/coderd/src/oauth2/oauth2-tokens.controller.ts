import { Body, Controller, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { isFormRequest, type FormFields } from '#httpapi/form-body.js';
import { clientIp, header, type AnyRequest } from '#httpapi/http.js';
import { NoStoreInterceptor } from '#httpapi/no-store.js';
import { RequireExperiment } from '#httpapi/require-experiment.js';
import { LoginRateLimited } from '../auth/rate-limit.guard.js';
import { invalidRequest } from './oauth2-error.js';
import { mergeFields, queryFields } from './oauth2-params.js';
import { OAuth2RevokeRequest, OAuth2TokenRequest, OAuth2TokenResponse } from './oauth2-protocol.dto.js';
import { Oauth2TokensService } from './oauth2-tokens.service.js';

const FORM = 'application/x-www-form-urlencoded';

/** The client side of the code flow: tokens, refresh, revocation. Errors are RFC 6749 `{error, error_description}`. */
@ApiTags('OAuth2')
@RequireExperiment('oauth2')
@UseInterceptors(NoStoreInterceptor)
@Controller('oauth2')
export class Oauth2TokensController {
  constructor(private readonly tokens: Oauth2TokensService) {}

  @LoginRateLimited()
  @ApiConsumes(FORM)
  @ApiBody({ type: OAuth2TokenRequest })
  @Endpoint('POST', 'tokens', {
    id: 'postOAuth2Token',
    summary: 'OAuth2 token exchange',
    description:
      'The authorization_code and refresh_token grants (RFC 6749 4.1.3, 6). Client authentication is client_secret_basic or client_secret_post; public clients send client_id only. ' +
      'The access token is a Coder API key; refresh tokens rotate on every use, and a used one presented again revokes every token of its family.',
    response: OAuth2TokenResponse,
    status: 200,
    public: true,
    errors: [401],
    // The keys it retires are forgotten here before the answer and announced to other replicas; no trigger announces anything else.
    changesState: false,
  })
  token(@Req() req: AnyRequest, @Body() body: unknown): Promise<OAuth2TokenResponse> {
    const query = queryFields(req.query);
    // A secret in a URL ends up in logs and histories (RFC 6749 2.3.1).
    if (query.client_secret !== undefined) throw invalidRequest('client_secret must not be sent in the query string');
    return this.tokens.token(mergeFields(query, formOf(req, body)), header(req, 'authorization'), clientIp(req));
  }

  @Authenticated()
  @ApiQuery({ name: 'client_id', required: true, description: 'The app whose access the caller withdraws.' })
  @Endpoint('DELETE', 'tokens', { id: 'deleteOAuth2Tokens', summary: 'Revoke an app\'s access', description: 'Deletes the caller\'s codes and tokens for the app (the user\'s "revoke" in the apps list).' })
  async withdraw(@CurrentActor() actor: Actor, @Query('client_id') clientId?: string): Promise<void> {
    await this.tokens.withdraw(actor.userId, typeof clientId === 'string' && clientId !== '' ? clientId : undefined);
  }

  @LoginRateLimited()
  @ApiConsumes(FORM)
  @ApiBody({ type: OAuth2RevokeRequest })
  @Endpoint('POST', 'revoke', {
    id: 'postOAuth2Revoke',
    summary: 'OAuth2 token revocation',
    description: 'RFC 7009: a refresh token or an access token of this client. 200 with an empty body whether or not it was live; revoking either revokes the pair.',
    status: 200,
    public: true,
    errors: [401],
    changesState: false,
  })
  async revoke(@Req() req: AnyRequest, @Body() body: unknown): Promise<void> {
    await this.tokens.revoke(mergeFields(queryFields(req.query), formOf(req, body)), header(req, 'authorization'));
  }
}

function formOf(req: AnyRequest, body: unknown): FormFields {
  if (!isFormRequest(req)) throw invalidRequest('The request body must be application/x-www-form-urlencoded');
  return (body ?? {}) as FormFields;
}
