import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { RequirePermission } from '#coderd/auth/require-permission.js';
import { MessageResponse } from '#coderd/users/users.dto.js';
import { AddLicenseRequest, License } from './licenses.dto.js';
import { LicensesService } from './licenses.service.js';

/** Not feature-gated: a license is how features get entitled. Owners only, checked before the body is read. */
@ApiTags('Enterprise')
@Authenticated()
@Controller('api/v2/licenses')
export class LicensesController {
  constructor(private readonly licenses: LicensesService) {}

  @RequirePermission('license', 'create')
  @Endpoint('POST', 'refresh-entitlements', {
    id: 'refreshEntitlements',
    summary: 'Update license entitlements',
    description: 'Recomputes entitlements on every replica. At most once a minute (429 with Retry-After).',
    response: MessageResponse,
    status: 200,
    errors: [403],
  })
  async refresh(): Promise<MessageResponse> {
    await this.licenses.refresh();
    return { message: 'Entitlements updated.' };
  }

  @RequirePermission('license', 'create')
  @Endpoint('POST', '', { id: 'addNewLicense', summary: 'Add new license', response: License, errors: [403, 409] })
  add(@CurrentActor() actor: Actor, @Body() body: AddLicenseRequest): Promise<License> {
    return this.licenses.add(actor, body.license);
  }

  @RequirePermission('license', 'read')
  @Endpoint('GET', '', { id: 'getLicenses', summary: 'Get licenses', response: [License], errors: [403] })
  list(): Promise<License[]> {
    return this.licenses.list();
  }

  @RequirePermission('license', 'delete')
  @Endpoint('DELETE', ':id', { id: 'deleteLicense', summary: 'Delete license', status: 200, errors: [403] })
  async delete(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.licenses.delete(actor.userId, id);
  }
}
