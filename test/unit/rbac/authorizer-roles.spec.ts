// Role decisions of Authorizer.can: one row per (subject, action, object) with the expected answer.
import { describe, expect, it } from '@jest/globals';
import { Authorizer, type RbacObject } from '#rbac/authorizer.js';
import type { Action } from '#rbac/policy.js';
import { findRole, permissions, type RoleDefinition } from '#rbac/roles.js';
import type { Subject } from '#rbac/subject.js';
import { ORG_A, ORG_B, OTHER, USER, subjectWith } from './fixtures.js';

type Row = [string, Subject, Action, RbacObject, boolean];

const owner = subjectWith(['owner']);
const member = subjectWith();
const auditor = subjectWith(['auditor']);
const userAdmin = subjectWith(['user-admin']);
const templateAdmin = subjectWith(['template-admin']);
const orgAdminA = subjectWith([], { [ORG_A]: ['organization-admin'], [ORG_B]: [] });
const orgUserAdminA = subjectWith([], { [ORG_A]: ['organization-user-admin'] });
const orgTemplateAdminA = subjectWith([], { [ORG_A]: ['organization-template-admin'] });
const orgAuditorA = subjectWith([], { [ORG_A]: ['organization-auditor'] });
const bannedInA = subjectWith([], { [ORG_A]: ['organization-workspace-creation-ban'], [ORG_B]: [] });

const ws = (ownerId: string, orgId?: string): RbacObject => ({ type: 'workspace', ownerId, orgId });
const tpl = (orgId: string): RbacObject => ({ type: 'template', orgId });

const rows: Row[] = [
  ['owner reads a workspace in an org it is not in', owner, 'read', ws(OTHER, ORG_B), true],
  ['owner ssh into another user workspace', owner, 'ssh', ws(OTHER, ORG_A), true],
  ['owner reads a license', owner, 'read', { type: 'license' }, true],
  ['owner cannot read another user secret', owner, 'read', { type: 'user_secret', ownerId: OTHER }, false],
  ['owner reads its own secret (member)', owner, 'read', { type: 'user_secret', ownerId: USER }, true],
  ['owner cannot create usage events', owner, 'create', { type: 'usage_event' }, false],
  ['owner cannot start a dormant workspace', owner, 'start', { type: 'workspace_dormant', ownerId: OTHER, orgId: ORG_A }, false],

  ['member reads own api key', member, 'read', { type: 'api_key', ownerId: USER }, true],
  ['member deletes own api key', member, 'delete', { type: 'api_key', ownerId: USER }, true],
  ['member cannot read other api key', member, 'read', { type: 'api_key', ownerId: OTHER }, false],
  ['member reads own user', member, 'read', { type: 'user', id: USER, ownerId: USER }, true],
  ['member updates own personal data', member, 'update_personal', { type: 'user', id: USER, ownerId: USER }, true],
  ['member cannot update own user', member, 'update', { type: 'user', id: USER, ownerId: USER }, false],
  ['member cannot read other user', member, 'read', { type: 'user', id: OTHER, ownerId: OTHER }, false],
  ['member reads workspace proxies', member, 'read', { type: 'workspace_proxy' }, true],
  ['member cannot read licenses', member, 'read', { type: 'license' }, false],
  ['member creates own workspace in its org', member, 'create', ws(USER, ORG_A), true],
  ['member has no workspace outside orgs', member, 'read', ws(USER), false],
  ['member cannot read other workspace', member, 'read', ws(OTHER, ORG_A), false],
  ['member reads its organization', member, 'read', { type: 'organization', id: ORG_A, orgId: ORG_A }, true],
  ['member cannot read another organization', member, 'read', { type: 'organization', id: ORG_B, orgId: ORG_B }, false],
  ['member cannot read templates without ACL', member, 'read', tpl(ORG_A), false],
  ['member cannot read own interceptions', member, 'read', { type: 'aibridge_interception', ownerId: USER }, false],
  ['member records own interceptions', member, 'create', { type: 'aibridge_interception', ownerId: USER }, true],

  ['auditor reads audit log', auditor, 'read', { type: 'audit_log' }, true],
  ['auditor cannot write audit log', auditor, 'create', { type: 'audit_log' }, false],
  ['auditor reads other users', auditor, 'read', { type: 'user', id: OTHER, ownerId: OTHER }, true],
  ['auditor cannot read workspaces', auditor, 'read', ws(OTHER, ORG_A), false],

  ['user-admin creates users', userAdmin, 'create', { type: 'user' }, true],
  ['user-admin assigns site roles', userAdmin, 'assign', { type: 'assign_role' }, true],
  ['user-admin updates groups anywhere', userAdmin, 'update', { type: 'group', orgId: ORG_B }, true],
  ['user-admin cannot read workspaces', userAdmin, 'read', ws(OTHER, ORG_A), false],

  ['template-admin updates templates anywhere', templateAdmin, 'update', tpl(ORG_B), true],
  ['template-admin reads workspaces', templateAdmin, 'read', ws(OTHER, ORG_B), true],
  ['template-admin cannot update workspaces', templateAdmin, 'update', ws(OTHER, ORG_B), false],
  ['template-admin uploads files', templateAdmin, 'create', { type: 'file' }, true],

  ['org-admin reads workspace in its org', orgAdminA, 'read', ws(OTHER, ORG_A), true],
  ['org-admin cannot read workspace in org B', orgAdminA, 'read', ws(OTHER, ORG_B), false],
  ['org-admin cannot ssh in its org', orgAdminA, 'ssh', ws(OTHER, ORG_A), false],
  ['org-admin deletes template in its org', orgAdminA, 'delete', tpl(ORG_A), true],
  ['org-admin cannot delete template in org B', orgAdminA, 'delete', tpl(ORG_B), false],
  ['org-admin reads users (site)', orgAdminA, 'read', { type: 'user', id: OTHER, ownerId: OTHER }, true],
  ['org-admin cannot assign site roles', orgAdminA, 'assign', { type: 'assign_role' }, false],
  ['org-admin assigns org roles in its org', orgAdminA, 'assign', { type: 'assign_org_role', orgId: ORG_A }, true],

  ['org-user-admin adds members in its org', orgUserAdminA, 'create', { type: 'organization_member', orgId: ORG_A }, true],
  ['org-user-admin cannot add members in org B', orgUserAdminA, 'create', { type: 'organization_member', orgId: ORG_B }, false],
  ['org-user-admin deletes groups in its org', orgUserAdminA, 'delete', { type: 'group', orgId: ORG_A }, true],
  ['org-user-admin cannot read templates', orgUserAdminA, 'read', tpl(ORG_A), false],
  ['org-template-admin updates templates in its org', orgTemplateAdminA, 'update', tpl(ORG_A), true],
  ['org-template-admin cannot in org B', orgTemplateAdminA, 'update', tpl(ORG_B), false],
  ['org-auditor reads audit log of its org', orgAuditorA, 'read', { type: 'audit_log', orgId: ORG_A }, true],
  ['org-auditor cannot read site audit log', orgAuditorA, 'read', { type: 'audit_log' }, false],

  ['ban: cannot create own workspace in org A', bannedInA, 'create', ws(USER, ORG_A), false],
  ['ban: cannot delete own workspace in org A', bannedInA, 'delete', ws(USER, ORG_A), false],
  ['ban: still starts own workspace in org A', bannedInA, 'start', ws(USER, ORG_A), true],
  ['ban: creates own workspace in org B', bannedInA, 'create', ws(USER, ORG_B), true],

  ['user level: own api key in a member org', member, 'read', { type: 'api_key', ownerId: USER, orgId: ORG_A }, true],
  ['user level: own api key in a non-member org', member, 'read', { type: 'api_key', ownerId: USER, orgId: ORG_B }, false],
];

describe('Authorizer.can with built-in roles', () => {
  const authz = new Authorizer();
  it.each(rows)('%s', (_name, subject, action, object, expected) => {
    expect(authz.can(subject, action, object)).toBe(expected);
  });

  it('rejects an action the resource type does not have', () => {
    expect(() => authz.can(owner, 'use', ws(USER, ORG_A))).toThrow(/not an action of resource type "workspace"/);
  });
});

// Custom roles exercise negations the built-ins do not carry, to prove the level precedence.
const custom: Record<string, RoleDefinition> = {
  'no-workspace-read': { name: 'no-workspace-read', display_name: '', level: 'site', site: permissions('workspace', ['read'], true), org: [], user: [] },
  'no-own-ssh': { name: 'no-own-ssh', display_name: '', level: 'site', site: [], org: [], user: permissions('workspace', ['ssh'], true) },
  'no-own-read': { name: 'no-own-read', display_name: '', level: 'site', site: [], org: [], user: permissions('*', ['read'], true) },
  'org-deny-api-keys': { name: 'org-deny-api-keys', display_name: '', level: 'organization', site: [], org: permissions('api_key', ['*'], true), user: [] },
};
const resolver = (name: string, level: 'site' | 'organization') =>
  Object.hasOwn(custom, name) && custom[name].level === level ? custom[name] : findRole(name, level);

describe('level precedence (custom roles)', () => {
  const authz = new Authorizer({ roleResolver: resolver });
  const cases: Row[] = [
    ['site negation beats org allow', subjectWith(['no-workspace-read'], { [ORG_A]: ['organization-admin'] }), 'read', ws(OTHER, ORG_A), false],
    ['site negation beats user allow', subjectWith(['no-workspace-read']), 'read', ws(USER, ORG_A), false],
    ['site negation is per action', subjectWith(['no-workspace-read'], { [ORG_A]: ['organization-admin'] }), 'update', ws(OTHER, ORG_A), true],
    ['site allow beats nothing below', subjectWith(['owner', 'no-own-ssh']), 'ssh', ws(USER, ORG_A), true],
    ['user negation beats user allow', subjectWith(['no-own-ssh']), 'ssh', ws(USER, ORG_A), false],
    ['user negation leaves other actions', subjectWith(['no-own-ssh']), 'start', ws(USER, ORG_A), true],
    ['org allow beats user negation', subjectWith(['no-own-read'], { [ORG_A]: ['organization-admin'] }), 'read', ws(USER, ORG_A), true],
    ['org negation beats user allow', subjectWith([], { [ORG_A]: ['org-deny-api-keys'] }), 'read', { type: 'api_key', ownerId: USER, orgId: ORG_A }, false],
    ['org negation stays in its org', subjectWith([], { [ORG_A]: ['org-deny-api-keys'], [ORG_B]: [] }), 'read', { type: 'api_key', ownerId: USER, orgId: ORG_B }, true],
    ['org negation does not touch org-less objects', subjectWith([], { [ORG_A]: ['org-deny-api-keys'] }), 'read', { type: 'api_key', ownerId: USER }, true],
    ['unknown roles grant nothing', subjectWith(['does-not-exist']), 'read', { type: 'license' }, false],
  ];
  it.each(cases)('%s', (_name, subject, action, object, expected) => {
    expect(authz.can(subject, action, object)).toBe(expected);
  });
});
