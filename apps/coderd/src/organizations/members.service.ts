import { Injectable } from '@nestjs/common';
import { badRequest, forbidden, invalidField, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { Pagination } from '#httpapi/pagination.js';
import { assignableOrgRoles, canAssignRole, canUnassignRole } from '#rbac/assign.js';
import type { RbacObject } from '#rbac/authorizer.js';
import { findRole } from '#rbac/roles.js';
import type * as sdk from '#sdk/organizations.js';
import type { AssignableRoles } from '#sdk/rbac.js';
import { Authenticator } from '../auth/authenticator.service.js';
import { AuthzService } from '../auth/authz.service.js';
import { UsersService } from '../users/users.service.js';
import { toMember, toMemberWithUser } from './organization.mapper.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { orgObject, OrganizationsService } from './organizations.service.js';

const memberObject = (orgId: string, userId: string): RbacObject => ({ type: 'organization_member', id: userId, ownerId: userId, orgId });

/** Organization membership: listing, adding, removing and organization roles. */
@Injectable()
export class MembersService {
  constructor(
    private readonly orgs: OrganizationsRepository,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly authz: AuthzService,
    private readonly authenticator: Authenticator,
  ) {}

  async assignableRoles(actor: Actor, orgParam: string): Promise<AssignableRoles[]> {
    const org = await this.organizations.resolve(actor, orgParam);
    if (!this.authz.can(actor, 'read', { type: 'assign_org_role', orgId: org.id })) {
      this.authz.requireRead(actor, orgObject(org));
      throw forbidden();
    }
    return assignableOrgRoles(this.authz.authorizer, actor.subject, org.id);
  }

  async list(actor: Actor, orgParam: string, page: Pick<Pagination, 'limit' | 'offset'>): Promise<sdk.PaginatedMembersResponse> {
    const org = await this.organizations.resolve(actor, orgParam);
    const filter = this.authz.sqlFilter(actor, 'read', 'organization_member', { id: 'm.user_id', owner: 'm.user_id', org: 'm.organization_id' });
    const { rows, count } = await this.orgs.members(org.id, page, filter);
    return { members: rows.map(toMemberWithUser), count };
  }

  async get(actor: Actor, orgParam: string, userParam: string): Promise<sdk.OrganizationMemberWithUserData> {
    const org = await this.organizations.resolve(actor, orgParam);
    const user = await this.users.lookup(actor, userParam);
    this.authz.requireRead(actor, memberObject(org.id, user.id));
    const member = await this.orgs.member(org.id, user.id);
    if (!member) throw notFound();
    return toMemberWithUser(member);
  }

  async add(actor: Actor, orgParam: string, userParam: string): Promise<sdk.OrganizationMember> {
    const org = await this.organizations.resolve(actor, orgParam);
    // Adding needs read access to the site user (Coder's ExtractUserParam), not just to members.
    const user = await this.users.resolve(actor, userParam);
    this.authz.require(actor, 'create', memberObject(org.id, user.id));
    // Coder answers 400 (not 409) here.
    if (await this.orgs.member(org.id, user.id)) throw alreadyMember();
    await this.orgs.addMember(org.id, user.id).catch((err) => {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23505') throw alreadyMember();
      throw err;
    });
    await this.authenticator.invalidate({ userId: user.id });
    return toMember((await this.orgs.member(org.id, user.id))!);
  }

  async remove(actor: Actor, orgParam: string, userParam: string): Promise<void> {
    const org = await this.organizations.resolve(actor, orgParam);
    const user = await this.users.lookup(actor, userParam);
    const member = await this.orgs.member(org.id, user.id);
    if (!member) throw notFound();
    this.authz.require(actor, 'delete', memberObject(org.id, user.id));
    if (user.id === actor.userId) throw badRequest('You cannot remove yourself from an organization.');
    await this.orgs.removeMember(org.id, user.id);
    await this.authenticator.invalidate({ userId: user.id });
  }

  async updateRoles(actor: Actor, orgParam: string, userParam: string, roles: string[]): Promise<sdk.OrganizationMember> {
    const org = await this.organizations.resolve(actor, orgParam);
    const user = await this.users.lookup(actor, userParam);
    const member = await this.orgs.member(org.id, user.id);
    if (!member) throw notFound();
    this.authz.requireRead(actor, memberObject(org.id, user.id));
    if (user.id === actor.userId) throw badRequest('You cannot change your own organization roles.');
    const wanted = [...new Set(roles)].filter((r) => r !== 'organization-member');
    const unknown = wanted.filter((r) => !findRole(r, 'organization'));
    if (unknown.length) throw invalidField('roles', `"${unknown[0]}" is not a valid organization role.`, 'Invalid role name.');
    for (const r of wanted.filter((r) => !member.roles.includes(r))) {
      if (!canAssignRole(this.authz.authorizer, actor.subject, r, org.id)) throw forbidden(`You are not allowed to assign the role "${r}".`);
    }
    for (const r of member.roles.filter((r) => !wanted.includes(r))) {
      if (!canUnassignRole(this.authz.authorizer, actor.subject, r, org.id)) throw forbidden(`You are not allowed to remove the role "${r}".`);
    }
    await this.orgs.updateMemberRoles(org.id, user.id, wanted);
    await this.authenticator.invalidate({ userId: user.id });
    return toMember((await this.orgs.member(org.id, user.id))!);
  }
}


const alreadyMember = () => badRequest('Organization member already exists in this organization.');
