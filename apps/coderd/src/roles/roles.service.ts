import { Inject, Injectable } from '@nestjs/common';
import { badRequest, forbidden, invalidField, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { assignableSiteRoles, canAssignRole, canUnassignRole } from '#rbac/assign.js';
import { findRole } from '#rbac/roles.js';
import type * as sdk from '#sdk/users.js';
import type { AssignableRoles } from '#sdk/rbac.js';
import { AUDITOR, type Auditor } from '../audit/auditor.js';
import { Authenticator } from '../auth/authenticator.service.js';
import { AuthzService } from '../auth/authz.service.js';
import { toUser } from '../users/user.mapper.js';
import { UsersRepository } from '../users/users.repository.js';
import { userObject, UsersService } from '../users/users.service.js';

/** Site roles of users and the assignable-role listings. */
@Injectable()
export class RolesService {
  private readonly siteRoleLists = new Map<string, AssignableRoles[]>();

  constructor(
    private readonly users: UsersService,
    private readonly usersRepo: UsersRepository,
    private readonly authz: AuthzService,
    private readonly authenticator: Authenticator,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  siteRoles(actor: Actor): AssignableRoles[] {
    this.authz.require(actor, 'read', { type: 'assign_role' });
    // The list depends only on the caller's roles (subject.cacheKey): build it once per distinct subject.
    let roles = this.siteRoleLists.get(actor.subject.cacheKey);
    if (!roles) {
      roles = assignableSiteRoles(this.authz.authorizer, actor.subject);
      if (this.siteRoleLists.size >= 1024) this.siteRoleLists.clear();
      this.siteRoleLists.set(actor.subject.cacheKey, roles);
    }
    return roles;
  }

  async userRoles(actor: Actor, param: string): Promise<{ roles: string[]; organization_roles: Record<string, string[]> }> {
    const user = await this.users.resolve(actor, param);
    // Coder: another user's roles are personal data; without read_personal they are "not found".
    if (!this.authz.can(actor, 'read_personal', userObject(user))) throw notFound();
    return this.usersRepo.roles(user.id);
  }

  async updateUserRoles(actor: Actor, param: string, roles: string[]): Promise<sdk.User> {
    const user = await this.users.resolve(actor, param);
    this.authz.requireRead(actor, userObject(user));
    if (user.id === actor.userId) throw badRequest('You cannot change your own roles.');
    const wanted = [...new Set(roles)].filter((r) => r !== 'member');
    const unknown = wanted.filter((r) => !findRole(r, 'site'));
    if (unknown.length) throw invalidField('roles', `"${unknown[0]}" is not a valid site role.`, 'Invalid role name.');
    for (const r of wanted.filter((r) => !user.rbac_roles.includes(r))) {
      if (!canAssignRole(this.authz.authorizer, actor.subject, r)) throw forbidden(`You are not allowed to assign the role "${r}".`);
    }
    for (const r of user.rbac_roles.filter((r) => !wanted.includes(r))) {
      if (!canUnassignRole(this.authz.authorizer, actor.subject, r)) throw forbidden(`You are not allowed to remove the role "${r}".`);
    }
    await this.usersRepo.updateRoles(user.id, wanted);
    await this.authenticator.invalidate({ userId: user.id });
    this.auditor.record({
      action: 'write',
      resource_type: 'user',
      resource_id: user.id,
      resource_target: user.username,
      user_id: actor.userId,
      additional_fields: { roles: { old: user.rbac_roles, new: wanted } },
    });
    return toUser((await this.usersRepo.findById(user.id))!);
  }
}
