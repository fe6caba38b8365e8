// The API-key scope catalog, the externally requestable subset, scope expansion, scope coverage
// and the allow-list algebra (reference §4; policy table §5).
import { describe, expect, it } from '@jest/globals';
import { POLICY, RESOURCE_TYPES, actionsOf, type ResourceType } from '#rbac/policy.js';
import {
  COMPOSITE_SCOPES,
  EXTERNAL_SCOPES,
  SCOPE_ALIASES,
  SCOPE_CATALOG,
  allowListCovers,
  allowListIds,
  canonicalScope,
  effectiveAllowList,
  expandScope,
  intersectAllowLists,
  isExternalScope,
  isKnownScope,
  normalizeAllowList,
  scopesNotCovered,
  type ScopeGrants,
} from '#rbac/scopes.js';
import type { AllowListEntry } from '#rbac/subject.js';
import { COMPOSITE_SCOPE_NAMES } from '../../support/scopes.js';

const U1 = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const U2 = 'a1b2c3d4-0000-4000-8000-000000000002';
const U3 = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';

const e = (type: string, id: string): AllowListEntry => ({ type, id });
const ALL: AllowListEntry = e('*', '*');

const COMPOSITES: string[] = [...COMPOSITE_SCOPE_NAMES];

// Written out by hand (Coder's scopes_catalog.go limited to this server's resource types), sorted.
const EXPECTED_EXTERNAL = [
  'aibridge_interception:create',
  'api_key:*',
  'api_key:create',
  'api_key:delete',
  'api_key:read',
  'api_key:update',
  'coder:all',
  'coder:apikeys.manage_self',
  'coder:application_connect',
  ...COMPOSITE_SCOPE_NAMES.filter((s) => s !== 'coder:apikeys.manage_self'),
  'file:*',
  'file:create',
  'file:read',
  'inbox_notification:read',
  'inbox_notification:update',
  'organization:*',
  'organization:delete',
  'organization:read',
  'organization:update',
  'task:*',
  'task:create',
  'task:delete',
  'task:read',
  'task:update',
  'template:*',
  'template:create',
  'template:delete',
  'template:read',
  'template:update',
  'template:use',
  'user:*',
  'user:read',
  'user:read_personal',
  'user:update_personal',
  'user_secret:*',
  'user_secret:create',
  'user_secret:delete',
  'user_secret:read',
  'user_secret:update',
  'workspace:*',
  'workspace:application_connect',
  'workspace:create',
  'workspace:delete',
  'workspace:read',
  'workspace:ssh',
  'workspace:start',
  'workspace:stop',
  'workspace:update',
];

/** Names that are not scopes in any spelling. */
const NOT_SCOPES = [
  '',
  'bogus',
  '*',
  '*:*',
  '*:read',
  'coder:',
  'coder:*',
  'coder:everything',
  'coder:read',
  'coder:workspaces',
  'coder:workspaces.*',
  'workspace',
  'workspace:',
  ':read',
  'workspace:fly',
  'user:ssh',
  'template:start',
  'spaceship:read',
  'spaceship:*',
  'Workspace:read',
  'workspace:READ',
  'ALL',
  'CODER:ALL',
  ' workspace:read',
  'workspace:read ',
  'workspace:read:extra',
  'constructor',
  '__proto__',
  'toString:read',
];

const strictlyAscending = (xs: readonly string[]) => xs.every((x, i) => i === 0 || xs[i - 1] < x);

describe('SCOPE_CATALOG', () => {
  // Computed from the raw policy table, not through actionsOf/RESOURCE_TYPES.
  const expected = new Set<string>(['coder:all', 'coder:application_connect', ...COMPOSITES]);
  for (const [type, policy] of Object.entries(POLICY)) {
    for (const action of Object.keys(policy.actions)) expected.add(`${type}:${action}`);
    expected.add(`${type}:*`);
  }

  it('is exactly coder:all, coder:application_connect, the composites and every <type>:<action> and <type>:*', () => {
    expect(new Set(SCOPE_CATALOG)).toEqual(expected);
    expect(SCOPE_CATALOG).toHaveLength(expected.size);
  });

  it('is sorted without duplicates', () => {
    expect(strictlyAscending(SCOPE_CATALOG)).toBe(true);
    expect(new Set(SCOPE_CATALOG).size).toBe(SCOPE_CATALOG.length);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(SCOPE_CATALOG)).toBe(true);
  });

  it.each<string>(['coder:all', 'coder:application_connect', ...COMPOSITES])('contains %s', (scope) => {
    expect(SCOPE_CATALOG).toContain(scope);
  });

  it('lists exactly the 7 composites', () => {
    expect(Object.keys(COMPOSITE_SCOPES).sort()).toEqual(COMPOSITES);
    expect(SCOPE_CATALOG.filter((s) => s.startsWith('coder:') && s !== 'coder:all' && s !== 'coder:application_connect')).toEqual(COMPOSITES);
  });

  it.each<ResourceType>(RESOURCE_TYPES)('contains every action of %s and its wildcard', (type) => {
    const names = [...actionsOf(type).map((a) => `${type}:${a}`), `${type}:*`];
    expect(names.filter((n) => !SCOPE_CATALOG.includes(n))).toEqual([]);
    expect(SCOPE_CATALOG.filter((s) => s.startsWith(`${type}:`))).toEqual([...names].sort());
  });

  it('every entry is a known scope that expands', () => {
    expect(SCOPE_CATALOG.filter((s) => !isKnownScope(s))).toEqual([]);
  });

  it.each<string>(NOT_SCOPES)('does not contain %j, which is not a known scope', (name) => {
    expect(SCOPE_CATALOG.includes(name)).toBe(false);
    expect(isKnownScope(name)).toBe(false);
    expect(isExternalScope(name)).toBe(false);
  });
});

describe('EXTERNAL_SCOPES', () => {
  it('is exactly the curated list, sorted', () => {
    expect(EXTERNAL_SCOPES).toEqual(EXPECTED_EXTERNAL);
    expect(strictlyAscending(EXTERNAL_SCOPES)).toBe(true);
    expect(Object.isFrozen(EXTERNAL_SCOPES)).toBe(true);
  });

  it('contains coder:all, coder:application_connect and all 7 composites', () => {
    expect(['coder:all', 'coder:application_connect', ...COMPOSITES].filter((s) => !EXTERNAL_SCOPES.includes(s))).toEqual([]);
  });

  it('is a subset of the catalog, every entry known and external', () => {
    expect(EXTERNAL_SCOPES.filter((s) => !SCOPE_CATALOG.includes(s))).toEqual([]);
    expect(EXTERNAL_SCOPES.filter((s) => !isKnownScope(s))).toEqual([]);
    expect(EXTERNAL_SCOPES.filter((s) => !isExternalScope(s))).toEqual([]);
  });

  it('the catalog entries outside it are exactly the non-external ones', () => {
    const internal = SCOPE_CATALOG.filter((s) => !EXPECTED_EXTERNAL.includes(s));
    expect(internal.filter((s) => isExternalScope(s))).toEqual([]);
    expect(internal.length + EXPECTED_EXTERNAL.length).toBe(SCOPE_CATALOG.length);
  });

  it.each<[string, string]>([
    ['all', 'coder:all'],
    ['application_connect', 'coder:application_connect'],
  ])('the alias %s is external and known but not listed (canonical %s is)', (alias, canonical) => {
    expect(SCOPE_ALIASES[alias]).toBe(canonical);
    expect(canonicalScope(alias)).toBe(canonical);
    expect(isExternalScope(alias)).toBe(true);
    expect(isKnownScope(alias)).toBe(true);
    expect(EXTERNAL_SCOPES.includes(alias)).toBe(false);
    expect(SCOPE_CATALOG.includes(alias)).toBe(false);
    expect(EXTERNAL_SCOPES).toContain(canonical);
  });

  it('has exactly two aliases', () => {
    expect(SCOPE_ALIASES).toEqual({ all: 'coder:all', application_connect: 'coder:application_connect' });
  });

  it.each<string>(['coder:workspaces.create', 'workspace:read', 'template:*', 'constructor', 'bogus'])('canonicalScope leaves %s alone', (s) => {
    expect(canonicalScope(s)).toBe(s);
  });

  it.each<string>([
    'license:read',
    'license:*',
    'group:*',
    'group:read',
    'debug_info:read',
    'system:*',
    'system:read',
    'audit_log:read',
    'deployment_config:update',
    'assign_role:assign',
    'inbox_notification:*',
    'inbox_notification:create',
    'workspace:create_agent',
    'workspace:share',
    'workspace_dormant:read',
    'workspace_dormant:*',
    'template:view_insights',
    'user:create',
    'user:update',
    'user:delete',
    'organization:create',
    'organization_member:read',
    'provisioner_jobs:read',
    'chat:read',
    'oauth2_app_secret:*',
  ])('%s is known but internal', (scope) => {
    expect(isKnownScope(scope)).toBe(true);
    expect(SCOPE_CATALOG).toContain(scope);
    expect(isExternalScope(scope)).toBe(false);
    expect(EXTERNAL_SCOPES.includes(scope)).toBe(false);
  });
});

describe('expandScope', () => {
  it.each<[string, ScopeGrants]>([
    [
      'coder:workspaces.create',
      { template: ['read', 'use'], workspace: ['start', 'stop', 'create', 'update', 'read'], organization_member: ['read'] },
    ],
    [
      'coder:workspaces.operate',
      { template: ['read'], workspace: ['start', 'stop', 'read', 'update'], organization_member: ['read'] },
    ],
    ['coder:workspaces.delete', { template: ['read', 'use'], workspace: ['read', 'delete'], organization_member: ['read'] }],
    [
      'coder:workspaces.access',
      { template: ['read'], organization_member: ['read'], workspace: ['read', 'ssh', 'application_connect'] },
    ],
    ['coder:templates.build', { template: ['read'], file: ['create', 'read'], provisioner_jobs: ['read'] }],
    [
      'coder:templates.author',
      { template: ['read', 'create', 'update', 'delete', 'view_insights'], file: ['create', 'read'] },
    ],
    ['coder:apikeys.manage_self', { api_key: ['read', 'create', 'update', 'delete'] }],
    ['coder:application_connect', { workspace: ['application_connect'] }],
    ['application_connect', { workspace: ['application_connect'] }],
    ['workspace:read', { workspace: ['read'] }],
    ['user:read_personal', { user: ['read_personal'] }],
    ['assign_org_role:unassign', { assign_org_role: ['unassign'] }],
    ['file:*', { file: ['create', 'read'] }],
    ['inbox_notification:*', { inbox_notification: ['create', 'read', 'update'] }],
    ['prebuilt_workspace:*', { prebuilt_workspace: ['update', 'delete'] }],
    ['workspace_agent_devcontainers:*', { workspace_agent_devcontainers: ['create'] }],
    [
      'workspace:*',
      {
        workspace: [
          'create', 'read', 'update', 'delete', 'start', 'stop', 'ssh', 'application_connect',
          'create_agent', 'delete_agent', 'update_agent', 'share', 'use_shared',
        ],
      },
    ],
  ])('%s grants exactly its table', (scope, grants) => {
    expect(expandScope(scope)).toEqual({ grants, allowList: [ALL] });
  });

  it.each<string>(['coder:all', 'all'])('%s grants everything', (scope) => {
    expect(expandScope(scope)).toEqual({ grants: 'all', allowList: [ALL] });
  });

  it.each<string>(COMPOSITES)('%s expands to its COMPOSITE_SCOPES entry', (scope) => {
    expect(expandScope(scope)?.grants).toEqual(COMPOSITE_SCOPES[scope]);
  });

  it.each<ResourceType>(RESOURCE_TYPES)('%s: <type>:* grants every action of the type, each <type>:<action> just that action', (type) => {
    const actions = Object.keys(POLICY[type].actions);
    expect(expandScope(`${type}:*`)).toEqual({ grants: { [type]: actions }, allowList: [ALL] });
    expect(actions.map((a) => expandScope(`${type}:${a}`))).toEqual(actions.map((a) => ({ grants: { [type]: [a] }, allowList: [ALL] })));
  });

  it.each<string>(NOT_SCOPES)('%j is undefined', (name) => {
    expect(expandScope(name)).toBeUndefined();
  });

  it('every catalog entry and alias reaches everything (allow list *:*)', () => {
    const lists = [...SCOPE_CATALOG, ...Object.keys(SCOPE_ALIASES)].map((s) => expandScope(s)?.allowList);
    expect(lists.filter((l) => JSON.stringify(l) !== JSON.stringify([ALL]))).toEqual([]);
  });

  it('is stable across calls', () => {
    expect(expandScope('coder:templates.build')).toEqual(expandScope('coder:templates.build'));
    expect(expandScope('bogus')).toBeUndefined();
    expect(expandScope('bogus')).toBeUndefined();
  });
});

describe('scopesNotCovered', () => {
  const WORKSPACE_COMPOSITES = ['coder:workspaces.create', 'coder:workspaces.operate', 'coder:workspaces.delete', 'coder:workspaces.access'];

  it.each<[string, string[], string[], string[]]>([
    ['nothing requested', ['api_key:read'], [], []],
    ['nothing held covers nothing', [], ['api_key:read'], ['api_key:read']],
    ['coder:all covers coder:all', ['coder:all'], ['coder:all'], []],
    ['coder:all covers every catalog entry', ['coder:all'], [...SCOPE_CATALOG], []],
    ['the alias all covers every catalog entry', ['all'], [...SCOPE_CATALOG], []],
    ['coder:all among others covers everything', ['api_key:read', 'coder:all'], ['license:*', 'coder:all'], []],
    ['manage_self covers api_key:* and api_key:read', ['coder:apikeys.manage_self'], ['api_key:*', 'api_key:read'], []],
    ['manage_self covers itself', ['coder:apikeys.manage_self'], ['coder:apikeys.manage_self'], []],
    ['manage_self does not cover coder:all or user:read', ['coder:apikeys.manage_self'], ['coder:all', 'user:read'], ['coder:all', 'user:read']],
    ['not covered are reported in request order', ['coder:apikeys.manage_self'], ['user:read', 'api_key:read', 'coder:all'], ['user:read', 'coder:all']],
    ['api_key:* covers manage_self', ['api_key:*'], ['coder:apikeys.manage_self'], []],
    ['api_key:read does not cover api_key:*', ['api_key:read'], ['api_key:*'], ['api_key:*']],
    ['the alias all is not covered by a low-level scope (reported as spelled)', ['api_key:*'], ['all'], ['all']],
    ['workspace:* covers coder:application_connect', ['workspace:*'], ['coder:application_connect', 'application_connect'], []],
    ['coder:application_connect and workspace:application_connect cover each other', ['coder:application_connect'], ['workspace:application_connect'], []],
    ['workspace:application_connect covers coder:application_connect', ['workspace:application_connect'], ['coder:application_connect'], []],
    ['workspaces.access covers coder:application_connect', ['coder:workspaces.access'], ['coder:application_connect'], []],
    ['coder:application_connect does not cover workspace:ssh', ['coder:application_connect'], ['workspace:ssh'], ['workspace:ssh']],
    ['workspace:* does not reach the dormant type', ['workspace:*'], ['workspace_dormant:read'], ['workspace_dormant:read']],
    // workspace:* covers the workspace part of every workspaces composite, not the template/org-member part.
    ['workspace:* covers workspaces.create\'s workspace part', ['workspace:*'], ['workspace:start', 'workspace:stop', 'workspace:create', 'workspace:update', 'workspace:read'], []],
    ['workspace:* covers workspaces.delete\'s workspace part', ['workspace:*'], ['workspace:read', 'workspace:delete'], []],
    ['workspace:* covers workspaces.access\'s workspace part', ['workspace:*'], ['workspace:read', 'workspace:ssh', 'workspace:application_connect'], []],
    ['workspace:* does not cover the template / org-member parts', ['workspace:*'], ['template:read', 'template:use', 'organization_member:read'], ['template:read', 'template:use', 'organization_member:read']],
    ['workspace:* alone covers no workspaces composite', ['workspace:*'], WORKSPACE_COMPOSITES, WORKSPACE_COMPOSITES],
    ['workspace:* plus the template and org-member parts covers them all', ['workspace:*', 'template:read', 'template:use', 'organization_member:read'], WORKSPACE_COMPOSITES, []],
    ['without template:use, create and delete stay uncovered', ['workspace:*', 'template:read', 'organization_member:read'], WORKSPACE_COMPOSITES, ['coder:workspaces.create', 'coder:workspaces.delete']],
    ['operate + template:use + workspace:create covers workspaces.create', ['coder:workspaces.operate', 'template:use', 'workspace:create'], ['coder:workspaces.create'], []],
    ['operate alone does not cover workspaces.create', ['coder:workspaces.operate'], ['coder:workspaces.create'], ['coder:workspaces.create']],
    ['workspaces.create covers workspaces.operate', ['coder:workspaces.create'], ['coder:workspaces.operate'], []],
    ['operate + access do not cover delete', ['coder:workspaces.operate', 'coder:workspaces.access'], ['coder:workspaces.delete'], ['coder:workspaces.delete']],
    ['templates.author lacks template:use so does not cover template:*', ['coder:templates.author'], ['template:*'], ['template:*']],
    ['templates.author + template:use covers template:*', ['coder:templates.author', 'template:use'], ['template:*'], []],
    ['templates.author + provisioner_jobs:read covers templates.build', ['coder:templates.author', 'provisioner_jobs:read'], ['coder:templates.build'], []],
    ['templates.author alone does not cover templates.build', ['coder:templates.author'], ['coder:templates.build'], ['coder:templates.build']],
    ['an unknown requested scope is reported', ['api_key:*'], ['bogus', 'api_key:read'], ['bogus']],
    ['*:* requested is reported', ['api_key:*'], ['*:*'], ['*:*']],
    ['an unknown held scope grants nothing', ['bogus', '*:*'], ['api_key:read'], ['api_key:read']],
    ['duplicates are reported per occurrence', ['user:read'], ['api_key:read', 'api_key:read'], ['api_key:read', 'api_key:read']],
  ])('%s', (_name, held, requested, expected) => {
    expect(scopesNotCovered(held, requested)).toEqual(expected);
  });

  it.each<string>(SCOPE_CATALOG)('%s covers itself', (scope) => {
    expect(scopesNotCovered([scope], [scope])).toEqual([]);
  });
});

describe('allowListCovers', () => {
  it.each<[string, AllowListEntry[], AllowListEntry[], boolean]>([
    ['*:* covers *:*', [ALL], [ALL], true],
    ['*:* covers an id', [ALL], [e('workspace', U1)], true],
    ['*:* covers a type wildcard', [ALL], [e('template', '*')], true],
    ['a type wildcard does not cover *:*', [e('workspace', '*')], [ALL], false],
    ['every type wildcard together does not cover *:*', [e('workspace', '*'), e('template', '*'), e('api_key', '*')], [ALL], false],
    ['a type wildcard covers itself', [e('workspace', '*')], [e('workspace', '*')], true],
    ['a type wildcard covers an id of the type', [e('workspace', '*')], [e('workspace', U1)], true],
    ['a type wildcard does not cover another type', [e('workspace', '*')], [e('template', '*')], false],
    ['a type wildcard does not cover an id of another type', [e('workspace', '*')], [e('workspace_dormant', U1)], false],
    ['an id does not cover the type wildcard', [e('workspace', U1)], [e('workspace', '*')], false],
    ['an id covers itself', [e('workspace', U1)], [e('workspace', U1)], true],
    ['ids compare case-insensitively (inner upper)', [e('workspace', U1)], [e('workspace', U1.toUpperCase())], true],
    ['ids compare case-insensitively (outer upper)', [e('workspace', U1.toUpperCase())], [e('workspace', U1)], true],
    ['another id is not covered', [e('workspace', U1)], [e('workspace', U2)], false],
    ['the same id of another type is not covered', [e('workspace', U1)], [e('template', U1)], false],
    ['every inner entry must be covered', [e('workspace', U1)], [e('workspace', U1), e('workspace', U2)], false],
    ['a mix of wildcard and ids', [e('workspace', U1), e('template', '*')], [e('template', U2), e('workspace', U1), e('template', '*')], true],
    ['a mix, one entry outside', [e('workspace', U1), e('template', '*')], [e('template', U2), e('workspace', U3)], false],
    ['empty inner is covered by empty outer', [], [], true],
    ['empty inner is covered by anything', [e('workspace', U1)], [], true],
    ['empty inner is covered by *:*', [ALL], [], true],
    ['empty outer covers no id', [], [e('workspace', U1)], false],
    ['empty outer does not cover *:*', [], [ALL], false],
    ['a wildcard-type entry with an id is never covered', [ALL], [e('*', U1)], false],
    ['an empty inner id is covered only by a wildcard', [e('workspace', '*')], [e('workspace', '')], true],
    ['an empty inner id is not covered by an id', [e('workspace', U1)], [e('workspace', '')], false],
  ])('%s', (_name, outer, inner, expected) => {
    expect(allowListCovers(outer, inner)).toBe(expected);
  });
});

describe('normalizeAllowList', () => {
  it.each<[string, AllowListEntry[], AllowListEntry[]]>([
    ['empty stays empty', [], []],
    ['*:*', [ALL], [ALL]],
    ['*:* stands alone', [e('workspace', U1), ALL, e('template', '*')], [ALL]],
    ['*:* twice', [ALL, ALL], [ALL]],
    ['an id', [e('workspace', U1)], [e('workspace', U1)]],
    ['ids are lower-cased', [e('workspace', U1.toUpperCase())], [e('workspace', U1)]],
    ['a type wildcard shadows its ids', [e('workspace', U1), e('workspace', '*'), e('workspace', U2.toUpperCase())], [e('workspace', '*')]],
    ['a type wildcard shadows only its own type', [e('workspace_dormant', U1), e('workspace', '*'), e('template', U2)], [e('template', U2), e('workspace', '*'), e('workspace_dormant', U1)]],
    ['duplicates differing in case collapse', [e('workspace', U1), e('workspace', U1.toUpperCase())], [e('workspace', U1)]],
    ['duplicate wildcards collapse', [e('template', '*'), e('template', '*')], [e('template', '*')]],
    ['sorted by type then id', [e('workspace', U2), e('template', U1), e('api_key', '*'), e('workspace', U1)], [e('api_key', '*'), e('template', U1), e('workspace', U1), e('workspace', U2)]],
  ])('%s', (_name, input, expected) => {
    const copy = input.map((x) => ({ ...x }));
    expect(normalizeAllowList(input)).toEqual(expected);
    expect(input).toEqual(copy);
  });
});

describe('intersectAllowLists', () => {
  it.each<[string, AllowListEntry[], AllowListEntry[], AllowListEntry[]]>([
    ['*:* and *:*', [ALL], [ALL], [ALL]],
    ['*:* and an id', [ALL], [e('workspace', U1)], [e('workspace', U1)]],
    ['*:* and a list is the list, normalised', [ALL], [e('workspace', U1.toUpperCase()), e('workspace', '*'), e('template', U2)], [e('template', U2), e('workspace', '*')]],
    ['*:* and empty: nothing', [ALL], [], []],
    ['empty and empty: nothing', [], [], []],
    ['empty and an id: nothing', [], [e('workspace', U1)], []],
    ['a type wildcard and itself', [e('workspace', '*')], [e('workspace', '*')], [e('workspace', '*')]],
    ['a type wildcard narrows to the ids of its type', [e('workspace', '*')], [e('workspace', U1), e('template', U2)], [e('workspace', U1)]],
    ['ids under a type wildcard are kept', [e('workspace', U1), e('workspace', U2)], [e('workspace', '*')], [e('workspace', U1), e('workspace', U2)]],
    ['the same id, case-insensitively', [e('workspace', U1.toUpperCase())], [e('workspace', U1)], [e('workspace', U1)]],
    ['disjoint ids: nothing', [e('workspace', U1)], [e('workspace', U2)], []],
    ['disjoint types: nothing', [e('workspace', '*')], [e('template', '*')], []],
    ['the same id of different types: nothing', [e('workspace', U1)], [e('template', U1)], []],
    ['workspace:* does not reach workspace_dormant', [e('workspace', '*')], [e('workspace_dormant', U1)], []],
    [
      'mixed lists',
      [e('workspace', U1), e('template', '*'), e('user', U3)],
      [e('template', U2), e('workspace', '*'), e('api_key', '*'), e('user', U2)],
      [e('template', U2), e('workspace', U1)],
    ],
  ])('%s', (_name, a, b, expected) => {
    expect(intersectAllowLists(a, b)).toEqual(expected);
    expect(intersectAllowLists(b, a)).toEqual(expected);
  });
});

describe('effectiveAllowList', () => {
  it.each<[string, string[], AllowListEntry[], AllowListEntry[]]>([
    ['coder:all with *:*', ['coder:all'], [ALL], [ALL]],
    ['coder:all with an id', ['coder:all'], [e('workspace', U1)], [e('workspace', U1)]],
    ['a low-level scope keeps the key list', ['api_key:read'], [e('workspace', U1), e('template', '*')], [e('template', '*'), e('workspace', U1)]],
    ['a composite keeps the key list', ['coder:workspaces.access'], [e('workspace', U2)], [e('workspace', U2)]],
    ['the key list is normalised', ['all'], [e('workspace', U1.toUpperCase()), e('workspace', U1), e('template', U2), e('template', '*')], [e('template', '*'), e('workspace', U1)]],
    ['several scopes', ['coder:workspaces.access', 'coder:all'], [e('workspace', '*'), e('workspace', U1)], [e('workspace', '*')]],
    ['an unknown scope next to a real one', ['bogus', 'workspace:read'], [e('workspace', U2)], [e('workspace', U2)]],
    ['no scopes: nothing', [], [ALL], []],
    ['only unknown scopes: nothing', ['bogus', '*:*'], [ALL], []],
    ['empty key list: nothing', ['coder:all'], [], []],
  ])('%s', (_name, scopes, keyList, expected) => {
    expect(effectiveAllowList(scopes, keyList)).toEqual(expected);
  });
});

describe('allowListIds', () => {
  it.each<[string, AllowListEntry[], ResourceType, 'all' | string[]]>([
    ['*:*', [ALL], 'workspace', 'all'],
    ['a type wildcard', [e('workspace', '*'), e('workspace', U1)], 'workspace', 'all'],
    ['another type\'s wildcard', [e('template', '*')], 'workspace', []],
    ['ids, lower-cased', [e('workspace', U1.toUpperCase()), e('template', U3), e('workspace', U2)], 'workspace', [U1, U2]],
    ['empty list', [], 'workspace', []],
  ])('%s', (_name, list, type, expected) => {
    expect(allowListIds(list, type)).toEqual(expected);
  });
});
