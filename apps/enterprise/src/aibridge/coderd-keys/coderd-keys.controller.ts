import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, SelfAuthenticated, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { header, type AnyRequest } from '#httpapi/http.js';
import { AIGatewayCoderdKey, CreateAIGatewayCoderdKeyRequest, CreateAIGatewayCoderdKeyResponse } from './coderd-keys.dto.js';
import { CODERD_KEY_HEADER, CoderdKeysService } from './coderd-keys.service.js';

/** Managing AI Gateway coderd keys (owners only). */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('aibridge')
@Controller('api/v2/aibridge/coderd-keys')
export class CoderdKeysController {
  constructor(private readonly keys: CoderdKeysService) {}

  @Endpoint('POST', '', {
    id: 'createAIGatewayCoderdKey',
    summary: 'Create AI Gateway coderd key',
    description: 'The response is the only one that carries the key.',
    response: CreateAIGatewayCoderdKeyResponse,
    errors: [403],
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateAIGatewayCoderdKeyRequest): Promise<CreateAIGatewayCoderdKeyResponse> {
    return this.keys.create(actor, body);
  }

  @Endpoint('GET', '', { id: 'listAIGatewayCoderdKeys', summary: 'List AI Gateway coderd keys', response: [AIGatewayCoderdKey], errors: [403] })
  list(@CurrentActor() actor: Actor): Promise<AIGatewayCoderdKey[]> {
    return this.keys.list(actor);
  }

  @ApiParam({ name: 'id', description: 'Key ID.', format: 'uuid' })
  @Endpoint('DELETE', ':id', {
    id: 'deleteAIGatewayCoderdKey',
    summary: 'Delete AI Gateway coderd key',
    description: 'Idempotent: answers 204 whether or not the key existed.',
    errors: [403],
  })
  delete(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    return this.keys.delete(actor, id);
  }
}

/** What an AI Gateway calls with its coderd key: the key's own record (and a proof the key works). */
@ApiTags('Enterprise')
@SelfAuthenticated('CoderAIGatewayKey')
@RequireFeature('aibridge')
@Controller('api/v2/aibridge/coderd-keys/me')
export class CoderdKeySelfController {
  constructor(private readonly keys: CoderdKeysService) {}

  @Endpoint('GET', '', {
    id: 'getAIGatewayCoderdKeySelf',
    summary: 'Get the calling AI Gateway coderd key',
    description: `Authenticates with the "${CODERD_KEY_HEADER}" header (a Coder session token is not accepted) and records the key's use.`,
    response: AIGatewayCoderdKey,
  })
  me(@Req() req: AnyRequest): Promise<AIGatewayCoderdKey> {
    return this.keys.authenticate(header(req, CODERD_KEY_HEADER));
  }
}
