import { Body, Controller, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { NoStoreInterceptor } from '#httpapi/no-store.js';
import { RequireExperiment } from '#httpapi/require-experiment.js';
import { Oauth2AppRequest, Oauth2ProviderApp, Oauth2ProviderAppSecret, Oauth2ProviderAppSecretFull } from './oauth2-apps.dto.js';
import { Oauth2AppsService } from './oauth2-apps.service.js';

@ApiTags('Enterprise')
@Authenticated()
@RequireExperiment('oauth2')
@UseInterceptors(NoStoreInterceptor)
@Controller('api/v2/oauth2-provider/apps')
export class Oauth2AppsController {
  constructor(private readonly apps: Oauth2AppsService) {}

  @ApiQuery({ name: 'user_id', required: false, description: 'Only the apps this user has authorized.' })
  @Endpoint('GET', '', { id: 'getOAuth2ProviderApps', summary: 'Get OAuth2 applications', response: [Oauth2ProviderApp], errors: [403] })
  list(@CurrentActor() actor: Actor, @Query('user_id') userId?: string): Promise<Oauth2ProviderApp[]> {
    return this.apps.list(actor, userId);
  }

  @Endpoint('POST', '', { id: 'postOAuth2ProviderApp', summary: 'Create OAuth2 application', description: 'A confidential client; names are unique in any case (409).', response: Oauth2ProviderApp, errors: [403, 409] })
  create(@CurrentActor() actor: Actor, @Body() body: Oauth2AppRequest): Promise<Oauth2ProviderApp> {
    return this.apps.create(actor, body);
  }

  @Endpoint('GET', ':app', { id: 'getOAuth2ProviderApp', summary: 'Get OAuth2 application', response: Oauth2ProviderApp, errors: [403] })
  get(@CurrentActor() actor: Actor, @Param('app') id: string): Promise<Oauth2ProviderApp> {
    return this.apps.get(actor, id);
  }

  @Endpoint('PUT', ':app', { id: 'putOAuth2ProviderApp', summary: 'Update OAuth2 application', description: 'A missing icon is cleared; missing redirect URIs are kept.', response: Oauth2ProviderApp, errors: [403, 409] })
  update(@CurrentActor() actor: Actor, @Param('app') id: string, @Body() body: Oauth2AppRequest): Promise<Oauth2ProviderApp> {
    return this.apps.update(actor, id, body);
  }

  @Endpoint('DELETE', ':app', { id: 'deleteOAuth2ProviderApp', summary: 'Delete OAuth2 application', description: 'With its secrets, codes and tokens.', errors: [403] })
  async delete(@CurrentActor() actor: Actor, @Param('app') id: string): Promise<void> {
    await this.apps.delete(actor, id);
  }

  @Endpoint('GET', ':app/secrets', { id: 'getOAuth2ProviderAppSecrets', summary: 'Get OAuth2 application secrets', description: 'Truncated: whole secrets are shown once, when created.', response: [Oauth2ProviderAppSecret], errors: [403] })
  secrets(@CurrentActor() actor: Actor, @Param('app') id: string): Promise<Oauth2ProviderAppSecret[]> {
    return this.apps.secrets(actor, id);
  }

  @Endpoint('POST', ':app/secrets', { id: 'postOAuth2ProviderAppSecret', summary: 'Create OAuth2 application secret', description: 'The only answer that carries the whole secret.', response: Oauth2ProviderAppSecretFull, errors: [403] })
  createSecret(@CurrentActor() actor: Actor, @Param('app') id: string): Promise<Oauth2ProviderAppSecretFull> {
    return this.apps.createSecret(actor, id);
  }

  @Endpoint('DELETE', ':app/secrets/:secretID', { id: 'deleteOAuth2ProviderAppSecret', summary: 'Delete OAuth2 application secret', description: 'Revokes the tokens issued with it.', errors: [403] })
  async deleteSecret(@CurrentActor() actor: Actor, @Param('app') id: string, @Param('secretID') secretId: string): Promise<void> {
    await this.apps.deleteSecret(actor, id, secretId);
  }
}
