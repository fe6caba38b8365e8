import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, badRequest, conflict, notFound, type ValidationError } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { UUID_RE } from '#httpapi/pagination.js';
import type { RbacObject } from '#rbac/authorizer.js';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { Authenticator } from '#coderd/auth/authenticator.service.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { OrganizationsService } from '#coderd/organizations/organizations.service.js';
import type { ReducedUser } from '#coderd/users/users.dto.js';
import { UsersRepository } from '#coderd/users/users.repository.js';
import { userObject } from '#coderd/users/users.service.js';
import { toReducedUser } from '#coderd/users/user.mapper.js';
import { isUniqueViolation } from '#db/pg-errors.js';
import { toGroup } from './group.mapper.js';
import type { CreateGroupRequest, Group, PatchGroupRequest } from './groups.dto.js';
import {
  GROUP_FILTER_COLUMNS,
  GROUP_MEMBER_FILTER_COLUMNS,
  GroupsRepository,
  type GroupFilter,
  type GroupRow,
} from './groups.repository.js';

/** The group every organization member is in; its id is the organization's id. */
export const EVERYONE_GROUP = 'Everyone';

/** Coder's Group.RBACObject: in its organization, and readable by its own members (group ACL). */
export const groupObject = (g: { id: string; organization_id: string }): RbacObject => ({
  type: 'group',
  id: g.id,
  orgId: g.organization_id,
  aclGroups: { [g.id]: ['read'] },
});

const isEveryone = (g: GroupRow) => g.id === g.organization_id;

/** A `{group}` path parameter is a group id (400 when it is not a UUID). */
function groupId(param: string): string {
  if (!UUID_RE.test(param)) throw badRequest(`Invalid UUID "${param}".`, 'The group must be given by its id.');
  return param;
}

/** Raw `GET /groups` query parameters. */
export interface GroupQuery {
  organization?: string;
  has_member?: string;
  group_ids?: string;
}

/** Groups of users within an organization (Coder's template_rbac feature). */
@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersRepository,
    private readonly authz: AuthzService,
    private readonly authenticator: Authenticator,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  async create(actor: Actor, orgParam: string, req: CreateGroupRequest): Promise<Group> {
    const org = await this.organizations.resolve(actor, orgParam);
    this.authz.requireCreate(actor, { type: 'group', orgId: org.id }, 'groups in this organization');
    if (req.name === EVERYONE_GROUP) throw reservedName('Invalid group name.');
    const id = randomUUID();
    await this.groups
      .insert({
        id,
        name: req.name,
        displayName: req.display_name ?? '',
        organizationId: org.id,
        avatarUrl: req.avatar_url ?? '',
        quotaAllowance: req.quota_allowance ?? 0,
      })
      .catch(onDuplicateName(req.name));
    this.audit(actor, 'create', { id, name: req.name, organization_id: org.id });
    return (await this.view(actor, [(await this.groups.findById(id))!]))[0];
  }

  async listByOrganization(actor: Actor, orgParam: string): Promise<Group[]> {
    const org = await this.organizations.resolve(actor, orgParam);
    return this.listFiltered(actor, { organizationId: org.id });
  }

  /** Every group the caller may read, narrowed by Coder's `organization`, `has_member`, `group_ids`. */
  async list(actor: Actor, q: GroupQuery): Promise<Group[]> {
    return this.listFiltered(actor, await this.parseQuery(actor, q));
  }

  async getByName(actor: Actor, orgParam: string, name: string): Promise<Group> {
    const org = await this.organizations.resolve(actor, orgParam);
    const group = await this.groups.findByOrgAndName(org.id, name);
    if (!group) throw notFound();
    this.authz.requireRead(actor, groupObject(group));
    return (await this.view(actor, [group]))[0];
  }

  /** One query: the group, the members the caller may see, and the member count. */
  async get(actor: Actor, param: string): Promise<Group> {
    const visible = this.authz.sqlFilter(actor, 'read', 'group_member', GROUP_MEMBER_FILTER_COLUMNS);
    const group = await this.groups.findWithMembers(groupId(param), visible);
    if (!group) throw notFound();
    this.authz.requireRead(actor, groupObject(group));
    return toGroup(group, group.members.map(toReducedUser), group.total_member_count);
  }

  /** A `{group}` path parameter: a group id the caller may read (400 when not a UUID, else 404). */
  async resolve(actor: Actor, param: string): Promise<GroupRow> {
    const group = await this.lookup(param);
    this.authz.requireRead(actor, groupObject(group));
    return group;
  }

  async patch(actor: Actor, param: string, req: PatchGroupRequest): Promise<Group> {
    const group = await this.lookup(param);
    this.authz.require(actor, 'update', groupObject(group));
    // The current name is "no change", as in Coder.
    const name = req.name && req.name !== group.name ? req.name : undefined;
    if (isEveryone(group) && name) throw badRequest(`Cannot rename the "${EVERYONE_GROUP}" group!`);
    if (isEveryone(group) && req.display_name) throw badRequest(`Cannot update the Display Name for the "${EVERYONE_GROUP}" group!`);
    if (name === EVERYONE_GROUP) throw reservedName(`"${EVERYONE_GROUP}" is a reserved group name!`);
    if (isEveryone(group) && ((req.add_users?.length ?? 0) > 0 || (req.remove_users?.length ?? 0) > 0)) {
      // Coder answers 403 here: membership of Everyone is organization membership.
      throw new ApiError(403, `Cannot add or remove users from the "${EVERYONE_GROUP}" group!`, 'Add or remove organization members instead.');
    }
    const { add, remove } = await this.checkUsers(group, req.add_users ?? [], req.remove_users ?? []);
    if (name && (await this.groups.findByOrgAndName(group.organization_id, name))) throw nameTaken(name);

    const removed = await this.groups
      .transaction(async (db) => {
        if (!(await this.groups.lock(group.id, db))) throw notFound();
        const already = new Set(await this.groups.directMemberIds(group.id, db));
        const twice = add.filter((id, i) => already.has(id) || add.indexOf(id) !== i);
        if (twice.length > 0) throw addedTwice(twice);
        await this.groups.update(
          group.id,
          { name, displayName: req.display_name ?? undefined, avatarUrl: req.avatar_url ?? undefined, quotaAllowance: req.quota_allowance ?? undefined },
          db,
        );
        await this.groups.addMembers(group.id, add, db);
        return this.groups.removeMembers(group.id, remove, db);
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err, 'groups_name_organization_id_key')) throw nameTaken(name ?? '');
        if (isUniqueViolation(err)) throw addedTwice(add);
        throw err;
      });
    // Members' subjects carry their groups: refresh them now, not when their cache expires.
    await this.invalidate([...add, ...removed]);
    this.audit(actor, 'write', { id: group.id, name: name ?? group.name, organization_id: group.organization_id });
    return (await this.view(actor, [(await this.groups.findById(group.id))!]))[0];
  }

  async delete(actor: Actor, param: string): Promise<void> {
    const group = await this.lookup(param);
    this.authz.require(actor, 'delete', groupObject(group));
    if (isEveryone(group)) throw badRequest(`"${EVERYONE_GROUP}" is a reserved group and cannot be deleted!`);
    const members = await this.groups.delete(group.id);
    await this.invalidate(members);
    this.audit(actor, 'delete', group);
  }

  /** `{group}` path parameter: a group id (Coder accepts ids only here). No authorization. */
  private async lookup(param: string): Promise<GroupRow> {
    const group = await this.groups.findById(groupId(param));
    if (!group) throw notFound();
    return group;
  }

  private async listFiltered(actor: Actor, filter: GroupFilter): Promise<Group[]> {
    const authorized = this.authz.sqlFilter(actor, 'read', 'group', GROUP_FILTER_COLUMNS);
    return this.view(actor, await this.groups.list(filter, authorized));
  }

  /** Groups with the members the caller may read (group_member) and the full member count. */
  private async view(actor: Actor, rows: GroupRow[]): Promise<Group[]> {
    const ids = rows.map((g) => g.id);
    const visible = this.authz.sqlFilter(actor, 'read', 'group_member', GROUP_MEMBER_FILTER_COLUMNS);
    const [members, counts] = await Promise.all([this.groups.members(ids, visible), this.groups.memberCounts(ids)]);
    const byGroup = new Map<string, ReducedUser[]>();
    for (const m of members) {
      const list = byGroup.get(m.group_id) ?? [];
      list.push(toReducedUser(m));
      byGroup.set(m.group_id, list);
    }
    return rows.map((g) => toGroup(g, byGroup.get(g.id) ?? [], counts.get(g.id) ?? 0));
  }

  /** Every user to add or remove must be a UUID and a member of the group's organization. Ids come back lower-cased. */
  private async checkUsers(group: GroupRow, add: string[], remove: string[]): Promise<{ add: string[]; remove: string[] }> {
    const invalid: ValidationError[] = [];
    for (const [field, ids] of [['add_users', add], ['remove_users', remove]] as const) {
      for (const id of ids) if (!UUID_RE.test(id)) invalid.push({ field, detail: `ID "${id}" must be a valid user UUID.` });
    }
    if (invalid.length > 0) throw new ApiError(400, invalid[0].detail, undefined, invalid);
    const lower = (ids: string[]) => ids.map((id) => id.toLowerCase());
    const all = [...new Set(lower([...add, ...remove]))];
    if (all.length === 0) return { add: [], remove: [] };
    const members = new Set(await this.groups.organizationMembers(group.organization_id, all));
    const outsiders: ValidationError[] = [];
    for (const [field, ids] of [['add_users', add], ['remove_users', remove]] as const) {
      for (const id of ids) {
        if (!members.has(id.toLowerCase())) {
          outsiders.push({ field, detail: `User "${id}" is not a member of organization "${group.organization_name}".` });
        }
      }
    }
    if (outsiders.length > 0) throw new ApiError(400, 'User must be a member of the organization.', undefined, outsiders);
    return { add: lower(add), remove: lower(remove) };
  }

  private async parseQuery(actor: Actor, q: GroupQuery): Promise<GroupFilter> {
    const invalid: ValidationError[] = [];
    const filter: GroupFilter = {};
    if (q.organization) {
      if (UUID_RE.test(q.organization)) filter.organizationId = q.organization;
      else {
        const org = await this.organizations.resolve(actor, q.organization).catch(unlessNotFound);
        if (org) filter.organizationId = org.id;
        else invalid.push({ field: 'organization', detail: `Organization "${q.organization}" was not found.` });
      }
    }
    if (q.has_member) {
      if (UUID_RE.test(q.has_member)) filter.hasMemberId = q.has_member;
      else {
        // A user the caller may not read is not found either: existence is not revealed.
        const user = await this.users.findByUsername(q.has_member);
        if (user && this.authz.can(actor, 'read', userObject(user))) filter.hasMemberId = user.id;
        else invalid.push({ field: 'has_member', detail: `User "${q.has_member}" was not found.` });
      }
    }
    if (q.group_ids) {
      const ids = q.group_ids.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = ids.filter((id) => !UUID_RE.test(id));
      if (bad.length > 0) invalid.push({ field: 'group_ids', detail: `Query param "group_ids" must be a comma-separated list of UUIDs; "${bad[0]}" is not one.` });
      else filter.groupIds = ids;
    }
    if (invalid.length > 0) throw new ApiError(400, 'Query parameters have invalid values.', undefined, invalid);
    return filter;
  }

  private async invalidate(userIds: string[]): Promise<void> {
    for (const userId of new Set(userIds)) await this.authenticator.invalidate({ userId });
  }

  private audit(actor: Actor, action: 'create' | 'write' | 'delete', g: { id: string; name: string; organization_id: string }): void {
    this.auditor.record({ action, resource_type: 'group', resource_id: g.id, resource_target: g.name, user_id: actor.userId, organization_id: g.organization_id });
  }
}

const reservedName = (message: string) =>
  new ApiError(400, message, undefined, [{ field: 'name', detail: `"${EVERYONE_GROUP}" is a reserved group name.` }]);

const nameTaken = (name: string) => conflict(`A group named "${name}" already exists.`, undefined, [{ field: 'name', detail: 'Group names must be unique.' }]);

const addedTwice = (ids: string[]) =>
  badRequest(
    'Cannot add the same user to a group twice!',
    undefined,
    [...new Set(ids)].map((id) => ({ field: 'add_users', detail: `User "${id}" is already a member of the group.` })),
  );

function onDuplicateName(name: string) {
  return (err: unknown): never => {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  };
}

function unlessNotFound(err: unknown): undefined {
  if (err instanceof ApiError && err.status === 404) return undefined;
  throw err;
}
