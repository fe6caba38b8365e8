// ACL grants, scope and allow-list narrowing, and the decision cache of Authorizer.can.
import { describe, expect, it } from '@jest/globals';
import { Authorizer, type RbacObject } from '#rbac/authorizer.js';
import type { Action } from '#rbac/policy.js';
import { findRole, permissions, type RoleDefinition } from '#rbac/roles.js';
import type { Subject } from '#rbac/subject.js';
import { GROUP, KEY, ORG_A, ORG_B, OTHER, USER, subjectWith } from './fixtures.js';

type Row = [string, Subject, Action, RbacObject, boolean];

const member = subjectWith([], { [ORG_A]: [] }, { groups: [GROUP] });
const tplA = (acl: Partial<RbacObject>): RbacObject => ({ type: 'template', id: KEY, orgId: ORG_A, ...acl });

describe('ACL grants', () => {
  const authz = new Authorizer();
  const rows: Row[] = [
    ['Everyone group grants read', member, 'read', tplA({ aclGroups: { [ORG_A]: ['read', 'use'] } }), true],
    ['Everyone group grants use', member, 'use', tplA({ aclGroups: { [ORG_A]: ['read', 'use'] } }), true],
    ['Everyone group does not grant update', member, 'update', tplA({ aclGroups: { [ORG_A]: ['read', 'use'] } }), false],
    ['user entry with * grants anything', member, 'update', tplA({ aclUsers: { [USER]: ['*'] } }), true],
    ['another user entry grants nothing', member, 'read', tplA({ aclUsers: { [OTHER]: ['*'] } }), false],
    ['own group grants', member, 'read', tplA({ aclGroups: { [GROUP]: ['read'] } }), true],
    ['group grant needs org membership', member, 'read', { type: 'template', orgId: ORG_B, aclGroups: { [GROUP]: ['read'] } }, false],
    ['Everyone of a foreign org grants nothing', member, 'read', { type: 'template', orgId: ORG_B, aclGroups: { [ORG_B]: ['read'] } }, false],
    ['ACL is its own allow path (org negation does not cancel it)',
      subjectWith([], { [ORG_A]: ['organization-workspace-creation-ban'] }), 'delete',
      { type: 'workspace', ownerId: OTHER, orgId: ORG_A, aclUsers: { [USER]: ['delete'] } }, true],
    ['ACL is still narrowed by scope', subjectWith([], { [ORG_A]: [] }, { scopes: ['template:use'] }), 'read',
      tplA({ aclUsers: { [USER]: ['*'] } }), false],
    ['ACL is still narrowed by allow list', subjectWith([], { [ORG_A]: [] }, { allowList: [{ type: 'template', id: OTHER }] }), 'read',
      tplA({ aclUsers: { [USER]: ['*'] } }), false],
  ];
  it.each(rows)('%s', (_name, subject, action, object, expected) => {
    expect(authz.can(subject, action, object)).toBe(expected);
  });
});

describe('scope narrowing', () => {
  const authz = new Authorizer();
  const scoped = (scopes: string[], roles: string[] = []) => subjectWith(roles, { [ORG_A]: [] }, { scopes });
  const ownWs: RbacObject = { type: 'workspace', ownerId: USER, orgId: ORG_A };
  const ownKey: RbacObject = { type: 'api_key', id: KEY, ownerId: USER };
  const rows: Row[] = [
    ['coder:application_connect allows app connect', scoped(['coder:application_connect']), 'application_connect', ownWs, true],
    ['coder:application_connect denies read', scoped(['coder:application_connect']), 'read', ownWs, false],
    ['application_connect alias', scoped(['application_connect']), 'application_connect', ownWs, true],
    ['even owner is narrowed', scoped(['coder:application_connect'], ['owner']), 'read', { type: 'license' }, false],
    ['api_key:read allows reading own key', scoped(['api_key:read']), 'read', ownKey, true],
    ['api_key:read denies deleting own key', scoped(['api_key:read']), 'delete', ownKey, false],
    ['api_key:read denies reading own user', scoped(['api_key:read']), 'read', { type: 'user', id: USER, ownerId: USER }, false],
    ['api_key:* allows delete', scoped(['api_key:*']), 'delete', ownKey, true],
    ['scope never adds to roles', scoped(['coder:all']), 'read', { type: 'license' }, false],
    ['all alias', scoped(['all'], ['owner']), 'read', { type: 'license' }, true],
    ['no scopes: fail closed', scoped([], ['owner']), 'read', { type: 'license' }, false],
  ];
  it.each(rows)('%s', (_name, subject, action, object, expected) => {
    expect(authz.can(subject, action, object)).toBe(expected);
  });
});

describe('allow-list narrowing', () => {
  const authz = new Authorizer();
  const listed = (allowList: Subject['allowList'], roles: string[] = []) => subjectWith(roles, { [ORG_A]: [] }, { allowList });
  const key = (id: string): RbacObject => ({ type: 'api_key', id, ownerId: USER });
  const rows: Row[] = [
    ['pinned id allowed', listed([{ type: 'api_key', id: KEY }]), 'read', key(KEY), true],
    ['pinned id matches case-insensitively', listed([{ type: 'api_key', id: KEY.toUpperCase() }]), 'read', key(KEY), true],
    ['other id denied', listed([{ type: 'api_key', id: KEY }]), 'read', key(OTHER), false],
    ['other type denied', listed([{ type: 'api_key', id: KEY }]), 'read', { type: 'user', id: USER, ownerId: USER }, false],
    ['object without id needs a wildcard', listed([{ type: 'api_key', id: KEY }]), 'create', { type: 'api_key', ownerId: USER }, false],
    ['typed wildcard', listed([{ type: 'api_key', id: '*' }]), 'read', key(OTHER), true],
    ['empty list fails closed, even for owner', listed([], ['owner']), 'read', { type: 'license' }, false],
  ];
  it.each(rows)('%s', (_name, subject, action, object, expected) => {
    expect(authz.can(subject, action, object)).toBe(expected);
  });
});

describe('decision cache', () => {
  // A role whose grant we flip behind the authorizer's back: a cached answer does not see the flip.
  const flip: RoleDefinition = { name: 'flip', display_name: '', level: 'site', site: permissions('license', ['read']), org: [], user: [] };
  const resolver = (name: string, level: 'site' | 'organization') => (name === 'flip' ? flip : findRole(name, level));
  const subject = subjectWith(['flip']);
  const license: RbacObject = { type: 'license', id: KEY };

  it('answers from the cache until clearCache', () => {
    flip.site = permissions('license', ['read']);
    const authz = new Authorizer({ roleResolver: resolver });
    expect(authz.can(subject, 'read', license)).toBe(true);
    flip.site = [];
    expect(authz.can(subject, 'read', license)).toBe(true);
    authz.clearCache();
    expect(authz.can(subject, 'read', license)).toBe(false);
  });

  it('expires entries after the TTL', () => {
    flip.site = permissions('license', ['read']);
    let now = 1_000;
    const authz = new Authorizer({ roleResolver: resolver, cacheTtlMs: 100, now: () => now });
    expect(authz.can(subject, 'read', license)).toBe(true);
    flip.site = [];
    now += 99;
    expect(authz.can(subject, 'read', license)).toBe(true);
    now += 2;
    expect(authz.can(subject, 'read', license)).toBe(false);
  });

  it('keys on the whole object identity (owner, org, ACL), not just its type', () => {
    const authz = new Authorizer();
    const own: RbacObject = { type: 'api_key', id: KEY, ownerId: USER };
    expect(authz.can(member, 'read', own)).toBe(true);
    expect(authz.can(member, 'read', { ...own, ownerId: OTHER })).toBe(false);
    expect(authz.can(member, 'read', { ...own, orgId: ORG_B })).toBe(false);
    expect(authz.can(member, 'read', tplA({ aclUsers: { [USER]: ['read'] } }))).toBe(true);
    expect(authz.can(member, 'read', tplA({ aclUsers: { [USER]: ['use'] } }))).toBe(false);
  });
});
