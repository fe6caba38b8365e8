import { Injectable } from '@nestjs/common';
import { notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { RbacObject } from '#rbac/authorizer.js';
import type * as sdk from '#sdk/organizations.js';
import { AuthzService } from '../auth/authz.service.js';
import { toOrganization } from './organization.mapper.js';
import { OrganizationsRepository, type OrganizationRow } from './organizations.repository.js';

export const orgObject = (o: { id: string }): RbacObject => ({ type: 'organization', id: o.id, orgId: o.id });

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly orgs: OrganizationsRepository,
    private readonly authz: AuthzService,
  ) {}

  /** `{organization}` path parameter: id or name; organizations the caller cannot read are not found. */
  async resolve(actor: Actor, param: string): Promise<OrganizationRow> {
    const org = await this.orgs.findByIdOrName(param);
    if (!org) throw notFound();
    this.authz.requireRead(actor, orgObject(org));
    return org;
  }

  async get(actor: Actor, param: string): Promise<sdk.Organization> {
    return toOrganization(await this.resolve(actor, param));
  }

  async list(actor: Actor): Promise<sdk.Organization[]> {
    const filter = this.authz.sqlFilter(actor, 'read', 'organization', { id: 'o.id', org: 'o.id' });
    return (await this.orgs.list(filter)).map(toOrganization);
  }
}
