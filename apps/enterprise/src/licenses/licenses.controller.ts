import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '../../../../libs/httpapi/src/auth-decorators.js';
import { Endpoint } from '../../../../libs/httpapi/src/endpoint.js';
import { MessageResponse } from '../../../coderd/src/users/users.dto.js';
import { AddLicenseRequest, License } from './licenses.dto.js';
import { LicensesService } from './licenses.service.js';

/** Not feature-gated: a license is how features get entitled. Owners only (RBAC in the service). */
@ApiTags('Enterprise')
@Authenticated()
@Controller('api/v2/licenses')
export class LicensesController {
  constructor(private readonly licenses: LicensesService) {}

  @Endpoint('POST', 'refresh-entitlements', {
    id: 'refreshEntitlements',
    summary: 'Update license entitlements',
    description: 'Recomputes entitlements on every replica. At most once a minute (429 with Retry-After).',
    response: MessageResponse,
    status: 200,
    errors: [403],
  })
  async refresh(@CurrentActor() actor: Actor): Promise<MessageResponse> {
    await this.licenses.refresh(actor);
    return { message: 'Entitlements updated.' };
  }

  @Endpoint('POST', '', { id: 'addNewLicense', summary: 'Add new license', response: License, errors: [403, 409] })
  add(@CurrentActor() actor: Actor, @Body() body: AddLicenseRequest): Promise<License> {
    return this.licenses.add(actor, body.license);
  }

  @Endpoint('GET', '', { id: 'getLicenses', summary: 'Get licenses', response: [License], errors: [403] })
  list(@CurrentActor() actor: Actor): Promise<License[]> {
    return this.licenses.list(actor);
  }

  @Endpoint('DELETE', ':id', { id: 'deleteLicense', summary: 'Delete license', status: 200, errors: [403] })
  async delete(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.licenses.delete(actor, id);
  }
}
