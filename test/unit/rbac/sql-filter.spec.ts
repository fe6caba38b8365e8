// Authorizer.sqlFilter: exact SQL for each shape of grant.
import { describe, expect, it } from '@jest/globals';
import { Authorizer } from '#rbac/authorizer.js';
import type { Action, ResourceType } from '#rbac/policy.js';
import type { SqlColumns } from '#rbac/sql.js';
import type { Subject } from '#rbac/subject.js';
import { GROUP, KEY, ORG_A, ORG_B, OTHER, USER, subjectWith } from './fixtures.js';

const u = (id: string) => `'${id}'::uuid`;
const WS: SqlColumns = { id: 'id', owner: 'owner_id', org: 'organization_id' };
const KEYS: SqlColumns = { id: 'id', owner: 'user_id' };
const USERS: SqlColumns = { id: 'id', owner: 'id' };

type Row = [string, Subject, Action, ResourceType, SqlColumns, string];

const member = subjectWith();
const rows: Row[] = [
  ['owner: site-wide', subjectWith(['owner']), 'read', 'workspace', WS, 'TRUE'],
  ['member: nothing', member, 'read', 'license', {}, 'FALSE'],
  ['member: own api keys', member, 'read', 'api_key', KEYS, `user_id = ${u(USER)}`],
  ['member: own user row', member, 'read', 'user', USERS, `id = ${u(USER)}`],
  ['member: user level needs an owner column', member, 'read', 'api_key', { id: 'id' }, 'FALSE'],
  ['member: owned, org-less or in a member org', member, 'read', 'api_key', { owner: 'user_id', org: 'organization_id' },
    `user_id = ${u(USER)} AND (organization_id IS NULL OR organization_id = ANY(ARRAY[${u(ORG_A)}]))`],
  ['member of two orgs: own workspaces in both', subjectWith([], { [ORG_B]: [], [ORG_A]: [] }), 'read', 'workspace', WS,
    `owner_id = ${u(USER)} AND organization_id = ANY(ARRAY[${u(ORG_A)}, ${u(ORG_B)}])`],
  ['org-admin: its org', subjectWith([], { [ORG_A]: ['organization-admin'] }), 'read', 'workspace', WS,
    `organization_id = ANY(ARRAY[${u(ORG_A)}])`],
  ['org-admin in A, member in B', subjectWith([], { [ORG_A]: ['organization-admin'], [ORG_B]: [] }), 'read', 'workspace', WS,
    `organization_id = ANY(ARRAY[${u(ORG_A)}]) OR (owner_id = ${u(USER)} AND organization_id = ANY(ARRAY[${u(ORG_B)}]))`],
  ['org level needs an org column', subjectWith([], { [ORG_A]: ['organization-admin'] }), 'read', 'template', { id: 'id' }, 'FALSE'],
  ['creation ban removes its org', subjectWith([], { [ORG_A]: ['organization-workspace-creation-ban'], [ORG_B]: [] }), 'create', 'workspace', WS,
    `owner_id = ${u(USER)} AND organization_id = ANY(ARRAY[${u(ORG_B)}])`],
  ['scope narrows to nothing', subjectWith(['owner'], {}, { scopes: ['api_key:read'] }), 'read', 'workspace', WS, 'FALSE'],
  ['scope allows', subjectWith([], { [ORG_A]: [] }, { scopes: ['api_key:read'] }), 'read', 'api_key', KEYS, `user_id = ${u(USER)}`],
  ['allow list pins ids', subjectWith(['owner'], {}, { allowList: [{ type: 'workspace', id: KEY }, { type: 'workspace', id: OTHER }] }),
    'read', 'workspace', WS, `id = ANY(ARRAY[${u(OTHER)}, ${u(KEY)}])`],
  ['allow list and user level combine', subjectWith([], { [ORG_A]: [] }, { allowList: [{ type: 'api_key', id: KEY.toUpperCase() }] }),
    'delete', 'api_key', KEYS, `user_id = ${u(USER)} AND id = ANY(ARRAY[${u(KEY)}])`],
  ['allow list ids need an id column', subjectWith(['owner'], {}, { allowList: [{ type: 'user', id: KEY }] }), 'read', 'user', { owner: 'id' }, 'FALSE'],
  ['allow list without the type', subjectWith(['owner'], {}, { allowList: [{ type: 'user', id: '*' }] }), 'read', 'workspace', WS, 'FALSE'],
  ['empty allow list fails closed', subjectWith(['owner'], {}, { allowList: [] }), 'read', 'workspace', WS, 'FALSE'],
  ['typed wildcard does not narrow', subjectWith(['owner'], {}, { allowList: [{ type: 'workspace', id: '*' }] }), 'read', 'workspace', WS, 'TRUE'],
];

describe('Authorizer.sqlFilter', () => {
  const authz = new Authorizer();

  it.each(rows)('%s', (_name, subject, action, type, cols, expected) => {
    expect(authz.sqlFilter(subject, action, type, cols)).toBe(expected);
  });

  it('adds ACL columns when given (user entry, Everyone group, own groups)', () => {
    const subject = subjectWith([], { [ORG_A]: [] }, { groups: [GROUP] });
    const cols = { id: 'id', org: 'organization_id', aclUsers: 'user_acl', aclGroups: 'group_acl' };
    const holds = (e: string) => `(${e} @> '["use"]'::jsonb OR ${e} @> '["*"]'::jsonb)`;
    expect(authz.sqlFilter(subject, 'use', 'template', cols)).toBe(
      `${holds(`(user_acl -> '${USER}')`)} OR (organization_id = ANY(ARRAY[${u(ORG_A)}]) AND ` +
        `(${holds('(group_acl -> organization_id::text)')} OR ${holds(`(group_acl -> '${GROUP}')`)}))`,
    );
  });

  it('agrees with can() on the same decisions', () => {
    // Spot check: what the SQL admits for member's own key, can() allows; the other user's key it does not.
    expect(authz.can(member, 'read', { type: 'api_key', ownerId: USER })).toBe(true);
    expect(authz.can(member, 'read', { type: 'api_key', ownerId: OTHER })).toBe(false);
    expect(authz.sqlFilter(member, 'read', 'api_key', KEYS)).toBe(`user_id = ${u(USER)}`);
  });

  it.each([
    ['subject id', subjectWith([], {}, { id: 'not-a-uuid' }), KEYS, /"not-a-uuid" is not a UUID/],
    ['org id', subjectWith([], { "x'; DROP TABLE users; --": [] }), WS, /is not a UUID/],
    ['group id', subjectWith([], { [ORG_A]: [] }, { groups: ['g1'] }), { org: 'o', aclGroups: 'group_acl' }, /"g1" is not a UUID/],
    ['allow-list id', subjectWith([], { [ORG_A]: [] }, { allowList: [{ type: 'api_key', id: 'k1' }] }), KEYS, /"k1" is not a UUID/],
    ['column name', member, { owner: 'user_id; --' }, /not a valid column name/],
  ] as const)('throws on an invalid %s', (_what, subject, cols, message) => {
    expect(() => authz.sqlFilter(subject, 'read', cols === WS ? 'workspace' : 'api_key', cols)).toThrow(message);
  });

  it('throws on an action the type does not have', () => {
    expect(() => authz.sqlFilter(member, 'ssh', 'api_key', KEYS)).toThrow(/not an action/);
  });
});
