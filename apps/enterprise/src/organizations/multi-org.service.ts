import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type * as sdk from '#sdk/organizations.js';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { Authenticator } from '#coderd/auth/authenticator.service.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { toOrganization } from '#coderd/organizations/organization.mapper.js';
import type { OrganizationRow } from '#coderd/organizations/organizations.repository.js';
import { orgObject, OrganizationsService } from '#coderd/organizations/organizations.service.js';
import { isUniqueViolation } from '#db/pg-errors.js';
import type { CreateOrganizationRequest, UpdateOrganizationRequest } from './multi-org.dto.js';
import { MultiOrgRepository, type OrganizationLeftovers } from './multi-org.repository.js';

/** "default" always means the default organization (as "me" means the caller), so no organization may take it. */
const RESERVED_NAME = 'default';

/** Creating, changing and deleting organizations (Coder's multiple_organizations feature). */
@Injectable()
export class MultiOrgService {
  constructor(
    private readonly repo: MultiOrgRepository,
    private readonly organizations: OrganizationsService,
    private readonly authz: AuthzService,
    private readonly authenticator: Authenticator,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  async create(actor: Actor, req: CreateOrganizationRequest): Promise<sdk.Organization> {
    this.authz.requireCreate(actor, { type: 'organization' }, 'organizations');
    if (req.name.toLowerCase() === RESERVED_NAME) throw reserved();
    if (await this.repo.findByIdOrName(req.name)) throw alreadyExists();
    const id = randomUUID();
    // As in Coder, the creator joins as a plain member (creating needs a site role that covers it anyway).
    await this.repo
      .create({ id, name: req.name, displayName: req.display_name || req.name, description: req.description ?? '', icon: req.icon ?? '' }, actor.userId)
      .catch(onUniqueViolation(alreadyExists));
    // The creator's subject gains the membership now, not when its cache expires.
    await this.authenticator.invalidate({ userId: actor.userId });
    const org = (await this.repo.findByIdOrName(id))!;
    this.audit(actor, 'create', org);
    return toOrganization(org);
  }

  async update(actor: Actor, param: string, req: UpdateOrganizationRequest): Promise<sdk.Organization> {
    const org = await this.organizations.resolve(actor, param);
    this.authz.require(actor, 'update', orgObject(org));
    if (req.name?.toLowerCase() === RESERVED_NAME) throw reserved();
    await this.repo
      .update(org.id, {
        name: req.name || undefined,
        displayName: req.display_name || undefined,
        description: req.description ?? undefined,
        icon: req.icon ?? undefined,
      })
      .catch(
        onUniqueViolation(() =>
          conflict(`Organization already exists with the name "${req.name}".`, undefined, [
            { field: 'name', detail: 'This value is already in use and should be unique.' },
          ]),
        ),
      );
    const updated = await this.repo.findByIdOrName(org.id);
    if (!updated) throw notFound();
    this.audit(actor, 'write', updated);
    return toOrganization(updated);
  }

  async delete(actor: Actor, param: string): Promise<void> {
    const org = await this.organizations.resolve(actor, param);
    this.authz.require(actor, 'delete', orgObject(org));
    if (org.is_default) throw badRequest('Default organization cannot be deleted.');
    const result = await this.repo.softDeleteIfEmpty(org.id, actor.userId);
    if (result === 'gone') throw notFound();
    if (result !== 'deleted') throw notEmpty(result);
    await this.authenticator.invalidate({ userId: actor.userId });
    this.audit(actor, 'delete', org);
  }

  private audit(actor: Actor, action: 'create' | 'write' | 'delete', org: OrganizationRow): void {
    this.auditor.record({ action, resource_type: 'organization', resource_id: org.id, resource_target: org.name, user_id: actor.userId, organization_id: org.id });
  }
}

const reserved = () => badRequest(`Organization name "${RESERVED_NAME}" is reserved.`, undefined, [{ field: 'name', detail: `"${RESERVED_NAME}" is reserved.` }]);

const alreadyExists = () =>
  conflict('Organization already exists with that name.', undefined, [{ field: 'name', detail: 'This value is already in use and should be unique.' }]);

function notEmpty(left: OrganizationLeftovers) {
  const parts: string[] = [];
  if (left.members > 0) parts.push(`${left.members} ${left.members === 1 ? 'member' : 'members'} other than you`);
  if (left.groups > 0) parts.push(`${left.groups} ${left.groups === 1 ? 'group' : 'groups'} other than "Everyone"`);
  return badRequest(`Cannot delete organization: it still has ${parts.join(' and ')}. Remove them first.`);
}

function onUniqueViolation(error: () => Error) {
  return (err: unknown): never => {
    if (isUniqueViolation(err)) throw error();
    throw err;
  };
}
