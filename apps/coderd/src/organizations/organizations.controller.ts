import { Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { Organization } from './organizations.dto.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('Organizations')
@Authenticated()
@Controller('api/v2/organizations')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Endpoint('GET', '', { id: 'getOrganizations', summary: 'Get organizations', response: [Organization] })
  list(@CurrentActor() actor: Actor): Promise<Organization[]> {
    return this.orgs.list(actor);
  }

  @Endpoint('GET', ':organization', { id: 'getOrganization', summary: 'Get organization by ID or name', response: Organization })
  get(@CurrentActor() actor: Actor, @Param('organization') org: string): Promise<Organization> {
    return this.orgs.get(actor, org);
  }
}
