import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Endpoint } from '#httpapi/endpoint.js';
import { EXTERNAL_SCOPES } from '#rbac/scopes.js';
import { ExternalAPIKeyScopes } from './apikeys.dto.js';

/** The requestable scope catalog; it is fixed at build time, so one frozen body serves every call. */
const BODY: ExternalAPIKeyScopes = Object.freeze({ external: [...EXTERNAL_SCOPES] });

@ApiTags('Authorization')
@Controller('api/v2/auth')
export class ScopesController {
  @Endpoint('GET', 'scopes', { id: 'listPublicApiKeyScopes', summary: 'List API key scopes', response: ExternalAPIKeyScopes, public: true })
  list(): ExternalAPIKeyScopes {
    return BODY;
  }
}
