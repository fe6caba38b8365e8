import { Controller, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Endpoint } from '#httpapi/endpoint.js';
import { ENTITLEMENTS, type EntitlementsProvider } from '#entitlements/provider.js';
import { EntitlementsResponse } from './entitlements.dto.js';

/** Public, as in Coder: clients read it to decide what to show. The AGPL server entitles nothing. */
@ApiTags('Enterprise')
@Controller('api/v2')
export class EntitlementsController {
  constructor(@Inject(ENTITLEMENTS) private readonly entitlements: EntitlementsProvider) {}

  @Endpoint('GET', 'entitlements', { id: 'getEntitlements', summary: 'Get entitlements', response: EntitlementsResponse, public: true })
  get(): EntitlementsResponse {
    return this.entitlements.current();
  }
}
