import { Body, Controller, Param, Req, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { Endpoint } from '#httpapi/endpoint.js';
import { header, type AnyRequest } from '#httpapi/http.js';
import { NoStoreInterceptor } from '#httpapi/no-store.js';
import { RequireExperiment } from '#httpapi/require-experiment.js';
import { LoginRateLimited } from '../auth/rate-limit.guard.js';
import { OAuth2ClientInformation, OAuth2ClientMetadata } from './oauth2-protocol.dto.js';
import { Oauth2RegistrationService } from './oauth2-registration.service.js';

const MANAGEMENT = 'RFC 7592: authenticated with the registration access token the registration answered, as `Authorization: Bearer`.';

/** Dynamic client registration: how an MCP client that knows only the deployment's URL becomes a client. */
@ApiTags('OAuth2')
@RequireExperiment('oauth2')
@UseInterceptors(NoStoreInterceptor)
@Controller('oauth2')
export class Oauth2RegistrationController {
  constructor(private readonly registration: Oauth2RegistrationService) {}

  @LoginRateLimited()
  @ApiBody({ type: OAuth2ClientMetadata })
  @Endpoint('POST', 'register', {
    id: 'postOAuth2ClientRegistration',
    summary: 'OAuth2 dynamic client registration',
    description:
      'RFC 7591. `token_endpoint_auth_method: none` registers a public client (PKCE, no secret); otherwise the answer carries `client_secret`. ' +
      'The answer is the only one with the secret and the `registration_access_token`.',
    response: OAuth2ClientInformation,
    public: true,
  })
  register(@Body() body: unknown): Promise<OAuth2ClientInformation> {
    return this.registration.register(body);
  }

  @LoginRateLimited()
  @Endpoint('GET', 'clients/:client_id', { id: 'getOAuth2ClientConfiguration', summary: 'Get OAuth2 client configuration', description: MANAGEMENT, response: OAuth2ClientInformation, public: true, errors: [401, 403] })
  read(@Param('client_id') clientId: string, @Req() req: AnyRequest): Promise<OAuth2ClientInformation> {
    return this.registration.read(clientId, header(req, 'authorization'));
  }

  @LoginRateLimited()
  @ApiBody({ type: OAuth2ClientMetadata })
  @Endpoint('PUT', 'clients/:client_id', { id: 'putOAuth2ClientConfiguration', summary: 'Update OAuth2 client configuration', description: `${MANAGEMENT} The registration is replaced whole.`, response: OAuth2ClientInformation, public: true, errors: [401, 403] })
  update(@Param('client_id') clientId: string, @Req() req: AnyRequest, @Body() body: unknown): Promise<OAuth2ClientInformation> {
    return this.registration.update(clientId, header(req, 'authorization'), body);
  }

  @LoginRateLimited()
  @Endpoint('DELETE', 'clients/:client_id', { id: 'deleteOAuth2ClientConfiguration', summary: 'Delete OAuth2 client registration', description: `${MANAGEMENT} The client's secrets, codes and tokens go with it.`, public: true, errors: [401, 403] })
  async delete(@Param('client_id') clientId: string, @Req() req: AnyRequest): Promise<void> {
    await this.registration.delete(clientId, header(req, 'authorization'));
  }
}
