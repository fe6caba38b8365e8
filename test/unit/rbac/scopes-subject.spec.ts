// Scope matching, allow lists, subject cache keys and the TTL cache on their own.
import { describe, expect, it } from '@jest/globals';
import { TtlCache } from '#rbac/cache.js';
import type { Action, ResourceType } from '#rbac/policy.js';
import { allowListAllows, scopeAllows } from '#rbac/scopes.js';
import { isOrgMember, makeSubject, type AllowListEntry } from '#rbac/subject.js';
import { KEY, ORG_A, ORG_B, OTHER, USER } from './fixtures.js';

describe('scopeAllows', () => {
  it.each([
    [['coder:all'], 'license', 'delete', true],
    [['all'], 'license', 'delete', true],
    [['coder:application_connect'], 'workspace', 'application_connect', true],
    [['coder:application_connect'], 'workspace', 'ssh', false],
    [['application_connect'], 'workspace', 'application_connect', true],
    [['application_connect'], 'workspace_dormant', 'application_connect', false],
    [['api_key:read'], 'api_key', 'read', true],
    [['api_key:read'], 'api_key', 'update', false],
    [['api_key:*'], 'api_key', 'update', true],
    [['api_key:*'], 'user', 'read', false],
    [['user:read', 'api_key:delete'], 'api_key', 'delete', true],
    [['coder:workspaces.access'], 'workspace', 'ssh', true],
    [['coder:workspaces.access'], 'workspace', 'delete', false],
    [['coder:apikeys.manage_self'], 'api_key', 'create', true],
    [['coder:nonsense'], 'api_key', 'read', false],
    [['*:*'], 'api_key', 'read', false],
    [['api_key'], 'api_key', 'read', false],
    [[], 'api_key', 'read', false],
  ] as Array<[string[], ResourceType, Action, boolean]>)('%j allows %s:%s -> %s', (scopes, type, action, expected) => {
    expect(scopeAllows(scopes, type, action)).toBe(expected);
  });
});

describe('allowListAllows', () => {
  it.each([
    [[{ type: '*', id: '*' }], 'workspace', undefined, true],
    [[{ type: 'workspace', id: '*' }], 'workspace', KEY, true],
    [[{ type: 'workspace', id: '*' }], 'template', KEY, false],
    [[{ type: 'workspace', id: KEY }], 'workspace', KEY, true],
    [[{ type: 'workspace', id: KEY }], 'workspace', KEY.toUpperCase(), true],
    [[{ type: 'workspace', id: KEY }], 'workspace', OTHER, false],
    [[{ type: 'workspace', id: KEY }], 'workspace', undefined, false],
    [[{ type: 'workspace', id: '' }], 'workspace', '', false],
    [[{ type: '*', id: KEY }], 'workspace', KEY, false],
    [[], 'workspace', KEY, false],
  ] as Array<[AllowListEntry[], ResourceType, string | undefined, boolean]>)('%j covers %s/%s -> %s', (list, type, id, expected) => {
    expect(allowListAllows(list, type, id)).toBe(expected);
  });
});

describe('makeSubject', () => {
  const base = {
    id: USER,
    friendlyName: 'alice',
    siteRoles: ['member', 'auditor'],
    orgRoles: { [ORG_A]: ['organization-member', 'organization-admin'], [ORG_B]: ['organization-member'] },
    groups: [KEY, OTHER],
    scopes: ['coder:all', 'api_key:read'],
    allowList: [{ type: 'workspace', id: KEY }, { type: 'api_key', id: '*' }],
  };

  it('does not depend on order', () => {
    const reordered = makeSubject({
      ...base,
      siteRoles: ['auditor', 'member'],
      orgRoles: { [ORG_B]: ['organization-member'], [ORG_A]: ['organization-admin', 'organization-member'] },
      groups: [OTHER, KEY],
      scopes: ['api_key:read', 'coder:all'],
      allowList: [{ type: 'api_key', id: '*' }, { type: 'workspace', id: KEY }],
    });
    expect(reordered.cacheKey).toBe(makeSubject(base).cacheKey);
  });

  it.each([
    ['id', { id: OTHER }],
    ['friendlyName', { friendlyName: 'bob' }],
    ['siteRoles', { siteRoles: ['member'] }],
    ['orgRoles', { orgRoles: { [ORG_A]: ['organization-member'] } }],
    ['groups', { groups: [KEY] }],
    ['scopes', { scopes: ['coder:all'] }],
    ['allowList', { allowList: [{ type: '*', id: '*' }] }],
    ['role moved between orgs', { orgRoles: { [ORG_A]: ['organization-member'], [ORG_B]: ['organization-member', 'organization-admin'] } }],
  ])('changes when %s changes', (_what, change) => {
    expect(makeSubject({ ...base, ...change }).cacheKey).not.toBe(makeSubject(base).cacheKey);
  });

  it('copies its input', () => {
    const input = { ...base, siteRoles: ['member'] };
    const s = makeSubject(input);
    input.siteRoles.push('owner');
    expect(s.siteRoles).toEqual(['member']);
  });

  it('isOrgMember follows the orgRoles keys', () => {
    const s = makeSubject(base);
    expect([isOrgMember(s, ORG_A), isOrgMember(s, ORG_B), isOrgMember(s, KEY), isOrgMember(s, 'constructor')]).toEqual([true, true, false, false]);
  });
});

describe('TtlCache', () => {
  it('expires, evicts the least recently used, and clears', () => {
    let now = 0;
    const cache = new TtlCache<number>(10, 2, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3); // evicts b
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
    now = 10;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.get('c')).toBeUndefined();
  });
});
