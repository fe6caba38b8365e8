import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, badRequest, conflict, forbidden, invalidField, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { UUID_RE, type Pagination } from '#httpapi/pagination.js';
import type { RbacObject } from '#rbac/authorizer.js';
import type * as sdk from '#sdk/users.js';
import { violatedConstraint } from '#db/pg-errors.js';
import { AUDITOR, type Auditor } from '../audit/auditor.js';
import { Authenticator } from '../auth/authenticator.service.js';
import { AuthzService } from '../auth/authz.service.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { DefaultOrganizationService } from '../organizations/default-organization.service.js';
import { ApiKeysRepository } from '../apikeys/apikeys.repository.js';
import type { CreateUserRequest, UpdateUserPasswordRequest, UpdateUserProfileRequest } from './users.dto.js';
import { hashPassword, passwordMatches, passwordProblem } from './password.js';
import { parseUserSearch } from './user-search.js';
import { toUser } from './user.mapper.js';
import { UsersRepository, type UserRow } from './users.repository.js';

export const userObject = (u: { id: string }): RbacObject => ({ type: 'user', id: u.id, ownerId: u.id });

/** Users: lookup by id/username/me, listing, creation, profile, status, password, deletion. */
@Injectable()
export class UsersService {
  private readonly mapped = new WeakMap<UserRow, sdk.User>();

  constructor(
    private readonly users: UsersRepository,
    private readonly orgs: OrganizationsRepository,
    private readonly defaultOrg: DefaultOrganizationService,
    private readonly keys: ApiKeysRepository,
    private readonly authz: AuthzService,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  /** `{user}` path parameter: a UUID, a username, or `me`. Unreadable users are "not found". */
  async resolve(actor: Actor, param: string): Promise<UserRow> {
    const row = await this.lookup(actor, param);
    this.authz.requireRead(actor, userObject(row));
    return row;
  }

  /**
   * `{user}` for routes that act for another user (creating their task): the user is found when the
   * caller may read them, or one of their organization memberships, as Coder's member parameter
   * middleware finds them; for anyone else they do not exist (404).
   */
  async resolveVisible(actor: Actor, param: string): Promise<UserRow> {
    const row = await this.lookup(actor, param);
    const visible =
      this.authz.can(actor, 'read', userObject(row)) ||
      row.organization_ids.some((orgId) => this.authz.can(actor, 'read', { type: 'organization_member', id: row.id, ownerId: row.id, orgId }));
    if (!visible) throw notFound();
    return row;
  }

  /**
   * The same lookup without the user:read check, for routes that authorize another object instead
   * (Coder resolves `{user}` as a restricted system actor there: a member may see a fellow
   * organization member without being allowed to read that user).
   */
  async lookup(actor: Actor, param: string): Promise<UserRow> {
    if (param === 'me') {
      // The authenticated user was loaded with the key; changes to it invalidate that cache.
      const cached = this.authenticator.cachedUser(actor);
      if (cached) return cached;
    }
    const id = param === 'me' ? actor.userId : undefined;
    const row = id || UUID_RE.test(param) ? await this.users.findById(id ?? param) : await this.users.findByUsername(param);
    if (!row) throw notFound();
    return row;
  }

  async get(actor: Actor, param: string): Promise<sdk.User> {
    const row = await this.resolve(actor, param);
    // Rows from the key cache are reused across requests (/users/me); map each one once.
    let user = this.mapped.get(row);
    if (!user) {
      user = toUser(row);
      this.mapped.set(row, user);
    }
    return user;
  }

  async list(actor: Actor, q: string | undefined, page: Pagination): Promise<sdk.GetUsersResponse> {
    const search = parseUserSearch(q);
    const filter = this.authz.sqlFilter(actor, 'read', 'user', { id: 'u.id', owner: 'u.id' });
    const { rows, count } = await this.users.list(search, page, filter);
    return { users: rows.map(toUser), count };
  }

  async create(actor: Actor, req: CreateUserRequest): Promise<sdk.User> {
    this.authz.requireCreate(actor, { type: 'user' }, 'users');
    const serviceAccount = req.service_account ?? false;
    const loginType = serviceAccount ? 'none' : !req.login_type ? 'password' : req.login_type;
    const email = req.email ?? '';
    if (serviceAccount && email) throw invalidField('email', 'Service accounts must not have an email address.');
    if (!serviceAccount && !email) throw invalidField('email', 'Email is required.');
    let hashed = '';
    if (loginType === 'password') {
      if (!req.password) throw invalidField('password', 'Password is required for login type "password".');
      this.checkPassword(req.password);
      hashed = await hashPassword(req.password);
    } else if (req.password) {
      throw invalidField('password', `Password must be empty for login type "${loginType}".`);
    }
    const orgIds = req.organization_ids?.length ? [...new Set(req.organization_ids)] : [(await this.defaultOrg.get()).id];
    const existing = await this.orgs.existing(orgIds);
    const missing = orgIds.filter((id) => !existing.includes(id));
    if (missing.length) throw invalidField('organization_ids', `Organization ${missing[0]} does not exist.`);
    for (const orgId of orgIds) {
      this.authz.requireCreate(actor, { type: 'organization_member', orgId }, `members of organization ${orgId}`);
    }
    await this.refuseTaken(req.username, email);
    const id = randomUUID();
    await this.users.transaction(async (tx) => {
      await this.users.insert(
        {
          id,
          email,
          username: req.username,
          name: req.name ?? '',
          hashedPassword: hashed,
          loginType,
          status: req.user_status ?? 'dormant',
          rbacRoles: [],
          isServiceAccount: serviceAccount,
        },
        tx,
      );
      for (const orgId of orgIds) await this.orgs.addMember(orgId, id, [], tx);
    }).catch(mapUniqueViolation);
    this.users.changed();
    this.auditor.record({ action: 'create', resource_type: 'user', resource_id: id, resource_target: req.username, user_id: actor.userId });
    return toUser((await this.users.findById(id))!);
  }

  async updateProfile(actor: Actor, param: string, req: UpdateUserProfileRequest): Promise<sdk.User> {
    const user = await this.resolve(actor, param);
    this.authz.require(actor, 'update_personal', userObject(user));
    if (req.username.toLowerCase() !== user.username.toLowerCase()) {
      const other = await this.users.findByUsername(req.username);
      if (other) throw conflict('A user with this username already exists.', undefined, [{ field: 'username', detail: 'This username is already in use.' }]);
    }
    await this.users.updateProfile(user.id, req.username, req.name ?? user.name).catch(mapUniqueViolation);
    await this.authenticator.invalidate({ userId: user.id });
    return toUser((await this.users.findById(user.id))!);
  }

  async setStatus(actor: Actor, param: string, status: 'active' | 'suspended'): Promise<sdk.User> {
    const user = await this.resolve(actor, param);
    this.authz.require(actor, 'update', userObject(user));
    if (status === 'suspended' && user.id === actor.userId) throw badRequest('You cannot suspend yourself.');
    if (status === 'suspended' && user.rbac_roles.includes('owner')) {
      throw badRequest('You cannot suspend a user with the "owner" role. Remove the role first.');
    }
    await this.users.updateStatus(user.id, status);
    await this.authenticator.invalidate({ userId: user.id });
    return toUser((await this.users.findById(user.id))!);
  }

  async updatePassword(actor: Actor, param: string, req: UpdateUserPasswordRequest): Promise<void> {
    const user = await this.resolve(actor, param);
    const self = user.id === actor.userId;
    this.authz.require(actor, self ? 'update_personal' : 'update', userObject(user));
    if (user.login_type !== 'password') throw badRequest('Users without password login type cannot change their password.');
    const currentHash = await this.users.passwordHash(user.id);
    if (self) {
      if (!req.old_password) throw invalidField('old_password', 'Old password is required.');
      if (!(await passwordMatches(currentHash, req.old_password))) {
        throw invalidField('old_password', 'Old password is incorrect.', 'Old password is incorrect.');
      }
    }
    this.checkPassword(req.password);
    if (await passwordMatches(currentHash, req.password)) {
      throw invalidField('password', 'New password cannot match old password.', 'New password cannot match old password.');
    }
    const hashed = await hashPassword(req.password);
    // Other sessions end with the old password; the caller keeps the one it used.
    await this.users.transaction(async (tx) => {
      await this.users.updatePassword(user.id, hashed, tx);
      await this.keys.deleteByUser(user.id, self ? actor.apiKeyId : undefined, tx);
    });
    await this.authenticator.invalidate({ userId: user.id });
  }

  async delete(actor: Actor, param: string): Promise<void> {
    const user = await this.resolve(actor, param);
    this.authz.require(actor, 'delete', userObject(user));
    if (user.id === actor.userId) throw forbidden('You cannot delete yourself!');
    await this.users.softDelete(user.id);
    await this.authenticator.invalidate({ userId: user.id });
    this.auditor.record({ action: 'delete', resource_type: 'user', resource_id: user.id, resource_target: user.username, user_id: actor.userId });
  }

  checkPassword(password: string): void {
    const problem = passwordProblem(password);
    if (problem) throw invalidField('password', problem, 'Password not strong enough!');
  }

  async refuseTaken(username: string, email: string): Promise<void> {
    const [byName, byEmail] = await Promise.all([this.users.findByUsername(username), email ? this.users.findByEmail(email) : undefined]);
    if (byName) throw conflict('User already exists.', undefined, [{ field: 'username', detail: 'This username is already in use.' }]);
    if (byEmail) throw conflict('User already exists.', undefined, [{ field: 'email', detail: 'This email is already in use.' }]);
  }
}

/** A concurrent insert can still win the race; its unique violation is a 409, not a 500. */
export function mapUniqueViolation(err: unknown): never {
  const constraint = violatedConstraint(err);
  if (constraint !== undefined) {
    const field = constraint.includes('email') ? 'email' : 'username';
    throw new ApiError(409, 'User already exists.', undefined, [{ field, detail: `This ${field} is already in use.` }]);
  }
  throw err;
}
