// Role assignability matrix and the AssignableRoles listings.
import { describe, expect, it } from '@jest/globals';
import {
  assignableOrgRoles,
  assignableSiteRoles,
  canAssignRole,
  canUnassignRole,
} from '#rbac/assign.js';
import { Authorizer } from '#rbac/authorizer.js';
import { ORG_A, ORG_B, subjectWith } from './fixtures.js';

const authz = new Authorizer();
const subjects = {
  owner: subjectWith(['owner']),
  userAdmin: subjectWith(['user-admin']),
  orgAdminA: subjectWith([], { [ORG_A]: ['organization-admin'], [ORG_B]: [] }),
  orgUserAdminA: subjectWith([], { [ORG_A]: ['organization-user-admin'], [ORG_B]: [] }),
  member: subjectWith([], { [ORG_A]: [], [ORG_B]: [] }),
};
type Who = keyof typeof subjects;
const WHO = Object.keys(subjects) as Who[];

// [role, org, the subjects that may assign it]
const matrix: Array<[string, string | undefined, Who[]]> = [
  ['owner', undefined, ['owner']],
  ['auditor', undefined, ['owner']],
  ['user-admin', undefined, ['owner']],
  ['member', undefined, ['owner', 'userAdmin']],
  ['organization-member', ORG_A, ['owner', 'userAdmin', 'orgAdminA', 'orgUserAdminA']],
  ['organization-admin', ORG_A, ['owner', 'orgAdminA']],
  ['organization-workspace-creation-ban', ORG_A, ['owner', 'orgAdminA']],
  ['organization-admin', ORG_B, ['owner']],
  ['organization-member', ORG_B, ['owner', 'userAdmin']],
  ['organization-admin', undefined, []], // an org role needs an org
  ['owner', ORG_A, []], // a site role has none
  ['no-such-role', undefined, []],
  ['no-such-role', ORG_A, []],
];

describe('canAssignRole / canUnassignRole', () => {
  const cases = matrix.flatMap(([role, org, allowed]) =>
    WHO.map((who) => [who, role, org ?? 'site', allowed.includes(who)] as const),
  );
  it.each(cases)('%s assigning %s in %s -> %s', (who, role, org, expected) => {
    const orgId = org === 'site' ? undefined : org;
    expect(canAssignRole(authz, subjects[who], role, orgId)).toBe(expected);
    expect(canUnassignRole(authz, subjects[who], role, orgId)).toBe(expected);
  });

  it('also needs the permission: a narrowed scope blocks even the owner', () => {
    expect(canAssignRole(authz, subjectWith(['owner'], {}, { scopes: ['user:read'] }), 'auditor')).toBe(false);
    const assignOnly = subjectWith(['owner'], {}, { scopes: ['assign_role:assign'] });
    expect(canAssignRole(authz, assignOnly, 'auditor')).toBe(true);
    expect(canUnassignRole(authz, assignOnly, 'auditor')).toBe(false);
    expect(canAssignRole(authz, assignOnly, 'organization-admin', ORG_A)).toBe(false);
  });
});

describe('assignableSiteRoles', () => {
  it('lists the explicit built-ins sorted, with permissions in Coder JSON shape', () => {
    const roles = assignableSiteRoles(authz, subjects.owner);
    expect(roles.map((r) => [r.name, r.display_name, r.assignable, r.built_in])).toEqual([
      ['auditor', 'Auditor', true, true],
      ['owner', 'Owner', true, true],
      ['template-admin', 'Template Admin', true, true],
      ['user-admin', 'User Admin', true, true],
    ]);
    const owner = roles[1];
    expect(Object.keys(owner).sort()).toEqual(
      ['assignable', 'built_in', 'display_name', 'name', 'organization_permissions', 'site_permissions', 'user_permissions'],
    );
    expect(owner.site_permissions).toContainEqual({ negate: false, resource_type: 'license', action: '*' });
    expect(owner.organization_permissions).toEqual([]);
  });

  it.each([
    ['userAdmin', false], ['orgAdminA', false], ['member', false],
  ] as const)('%s may assign none of them', (who, expected) => {
    expect(assignableSiteRoles(authz, subjects[who]).map((r) => r.assignable)).toEqual([expected, expected, expected, expected]);
  });
});

describe('assignableOrgRoles', () => {
  const names = [
    'organization-admin',
    'organization-auditor',
    'organization-template-admin',
    'organization-user-admin',
    'organization-workspace-creation-ban',
  ];

  it.each([
    ['owner', ORG_A, true], ['orgAdminA', ORG_A, true], ['orgAdminA', ORG_B, false],
    ['orgUserAdminA', ORG_A, false], ['userAdmin', ORG_A, false], ['member', ORG_A, false],
  ] as const)('%s in %s: assignable = %s for all listed roles', (who, org, expected) => {
    const roles = assignableOrgRoles(authz, subjects[who], org);
    expect(roles.map((r) => r.name)).toEqual(names);
    expect(roles.map((r) => r.assignable)).toEqual(names.map(() => expected));
    expect(new Set(roles.map((r) => r.organization_id))).toEqual(new Set([org]));
  });

  it('carries org-level permissions and the extra org fields', () => {
    const ban = assignableOrgRoles(authz, subjects.owner, ORG_A).find((r) => r.name === 'organization-workspace-creation-ban');
    expect(ban).toEqual({
      name: 'organization-workspace-creation-ban',
      organization_id: ORG_A,
      display_name: 'Organization Workspace Creation Ban',
      assignable: true,
      built_in: true,
      site_permissions: [],
      organization_permissions: ['create', 'delete', 'create_agent', 'delete_agent'].map((action) => ({
        negate: true,
        resource_type: 'workspace',
        action,
      })),
      user_permissions: [],
      organization_member_permissions: [],
    });
  });
});
