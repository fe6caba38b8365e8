import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, SelfAuthenticated, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { header, type AnyRequest } from '#httpapi/http.js';
import { CreateProvisionerKeyRequest, CreateProvisionerKeyResponse, ProvisionerKey, ProvisionerKeyDaemons } from './provisioner-keys.dto.js';
import { PROVISIONER_KEY_HEADER } from '#provisioner/protocol.js';
import { ProvisionerKeysService, toProvisionerKey } from './provisioner-keys.service.js';

/** Managing an organization's provisioner keys. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('external_provisioner_daemons')
@ApiParam({ name: 'organization', description: 'Organization ID or name.' })
@Controller('api/v2/organizations/:organization/provisionerkeys')
export class ProvisionerKeysController {
  constructor(private readonly keys: ProvisionerKeysService) {}

  @Endpoint('POST', '', {
    id: 'createProvisionerKey',
    summary: 'Create provisioner key',
    description: 'The response is the only one that carries the key. Names are unique in the organization (409); built-in, user-auth and psk are reserved (400).',
    response: CreateProvisionerKeyResponse,
    errors: [403, 409],
  })
  create(@CurrentActor() actor: Actor, @Param('organization') org: string, @Body() body: CreateProvisionerKeyRequest): Promise<CreateProvisionerKeyResponse> {
    return this.keys.create(actor, org, body);
  }

  @Endpoint('GET', '', {
    id: 'listProvisionerKey',
    summary: 'List provisioner key',
    description: 'Oldest first, without the reserved keys.',
    response: [ProvisionerKey],
    errors: [403],
  })
  list(@CurrentActor() actor: Actor, @Param('organization') org: string): Promise<ProvisionerKey[]> {
    return this.keys.list(actor, org);
  }

  @Endpoint('GET', 'daemons', {
    id: 'listProvisionerKeyDaemons',
    summary: 'List provisioner key daemons',
    description: 'Every key, the reserved ones included, with the daemons that registered with it and are online.',
    response: [ProvisionerKeyDaemons],
    errors: [403],
  })
  daemons(@CurrentActor() actor: Actor, @Param('organization') org: string): Promise<ProvisionerKeyDaemons[]> {
    return this.keys.listDaemons(actor, org);
  }

  @ApiParam({ name: 'provisionerkey', description: 'Provisioner key name.' })
  @Endpoint('DELETE', ':provisionerkey', {
    id: 'deleteProvisionerKey',
    summary: 'Delete provisioner key',
    description: 'Daemons registered with the key are removed, and their next request is refused. Reserved keys cannot be deleted (400).',
    errors: [403],
  })
  delete(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('provisionerkey') name: string): Promise<void> {
    return this.keys.delete(actor, org, name);
  }
}

/** What a provisioner daemon asks about its own key. */
@ApiTags('Enterprise')
@SelfAuthenticated('ProvisionerKey')
@RequireFeature('external_provisioner_daemons')
@Controller('api/v2/provisionerkeys')
export class ProvisionerKeySelfController {
  constructor(private readonly keys: ProvisionerKeysService) {}

  @ApiParam({ name: 'provisionerkey', description: `The key; the "${PROVISIONER_KEY_HEADER}" header authenticates the request (Coder's clients send the key in both).` })
  @Endpoint('GET', ':provisionerkey', {
    id: 'fetchProvisionerKeyDetails',
    summary: 'Fetch provisioner key details',
    description: `Authenticates with the "${PROVISIONER_KEY_HEADER}" header; a Coder session token is not accepted.`,
    response: ProvisionerKey,
  })
  async get(@Req() req: AnyRequest): Promise<ProvisionerKey> {
    return toProvisionerKey(await this.keys.authenticate(header(req, PROVISIONER_KEY_HEADER)));
  }
}
