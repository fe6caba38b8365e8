import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { clientIp, queryParam, type AnyRequest } from '#httpapi/http.js';
import { APIKey, APIKeyWithOwner, CreateTokenRequest, GenerateAPIKeyResponse, TokenConfig } from './apikeys.dto.js';
import { ApiKeysService } from './apikeys.service.js';

/** Static `tokens` routes come before `{keyid}` so declaration-order routers match them first. */
@ApiTags('Users')
@Authenticated()
@Controller('api/v2/users/:user/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Endpoint('POST', '', { id: 'createNewSessionKey', summary: 'Create new session key', response: GenerateAPIKeyResponse, errors: [403] })
  createSession(@CurrentActor() actor: Actor, @Param('user') user: string, @Req() req: AnyRequest): Promise<GenerateAPIKeyResponse> {
    return this.keys.createSessionKey(actor, user, clientIp(req));
  }

  @Endpoint('POST', 'tokens', { id: 'createToken', summary: 'Create token API key', response: GenerateAPIKeyResponse, errors: [403] })
  createToken(@CurrentActor() actor: Actor, @Param('user') user: string, @Body() body: CreateTokenRequest, @Req() req: AnyRequest) {
    return this.keys.createToken(actor, user, body, clientIp(req));
  }

  @ApiQuery({ name: 'include_all', required: false, type: Boolean, description: "Every user's tokens the caller may read." })
  @ApiQuery({ name: 'include_expired', required: false, type: Boolean })
  @Endpoint('GET', 'tokens', { id: 'getUserTokens', summary: 'Get user tokens', response: [APIKeyWithOwner] })
  listTokens(@CurrentActor() actor: Actor, @Param('user') user: string, @Req() req: AnyRequest): Promise<APIKeyWithOwner[]> {
    return this.keys.listTokens(actor, user, queryParam(req, 'include_all') === 'true', queryParam(req, 'include_expired') === 'true');
  }

  @Endpoint('GET', 'tokens/tokenconfig', { id: 'getTokenConfig', summary: 'Get token config', response: TokenConfig })
  async tokenConfig(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<TokenConfig> {
    return this.keys.tokenConfig(actor, user);
  }

  @Endpoint('GET', 'tokens/:keyname', { id: 'getTokenByName', summary: 'Get API key by token name', response: APIKey })
  getToken(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('keyname') name: string): Promise<APIKey> {
    return this.keys.getToken(actor, user, name);
  }

  @Endpoint('GET', ':keyid', { id: 'getApiKeyById', summary: 'Get API key by ID', response: APIKey })
  get(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('keyid') keyId: string): Promise<APIKey> {
    return this.keys.get(actor, user, keyId);
  }

  @Endpoint('PUT', ':keyid/expire', { id: 'expireApiKey', summary: 'Expire API key', status: 204, errors: [403] })
  async expire(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('keyid') keyId: string): Promise<void> {
    await this.keys.expire(actor, user, keyId);
  }

  @Endpoint('DELETE', ':keyid', { id: 'deleteApiKey', summary: 'Delete API key', errors: [403] })
  async delete(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('keyid') keyId: string): Promise<void> {
    await this.keys.delete(actor, user, keyId);
  }
}
