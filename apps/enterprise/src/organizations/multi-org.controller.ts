import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { Organization } from '#coderd/organizations/organizations.dto.js';
import { MessageResponse } from '#coderd/users/users.dto.js';
import { CreateOrganizationRequest, UpdateOrganizationRequest } from './multi-org.dto.js';
import { MultiOrgService } from './multi-org.service.js';

/** Organizations beyond the default one. Reading organizations is AGPL (core OrganizationsController). */
@ApiTags('Organizations')
@Authenticated()
@RequireFeature('multiple_organizations')
@Controller('api/v2/organizations')
export class MultiOrgController {
  constructor(private readonly orgs: MultiOrgService) {}

  @Endpoint('POST', '', { id: 'createOrganization', summary: 'Create organization', response: Organization, errors: [403, 409] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateOrganizationRequest): Promise<Organization> {
    return this.orgs.create(actor, body);
  }

  @Endpoint('PATCH', ':organization', { id: 'updateOrganization', summary: 'Update organization', response: Organization, errors: [403, 409] })
  update(@CurrentActor() actor: Actor, @Param('organization') org: string, @Body() body: UpdateOrganizationRequest): Promise<Organization> {
    return this.orgs.update(actor, org, body);
  }

  @Endpoint('DELETE', ':organization', { id: 'deleteOrganization', summary: 'Delete organization', response: MessageResponse, status: 200, errors: [403] })
  async delete(@CurrentActor() actor: Actor, @Param('organization') org: string): Promise<MessageResponse> {
    await this.orgs.delete(actor, org);
    return { message: 'Organization has been deleted.' };
  }
}
