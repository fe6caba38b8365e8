// Scopes and allow lists of POST /users/{user}/keys/tokens (reference §4).
import { describe, expect, it } from '@jest/globals';
import type { APIKeyAllowListTarget } from '#coderd/apikeys/apikeys.dto.js';
import { normaliseAllowList, normaliseScopes } from '#coderd/apikeys/token-request.js';
import { ApiError, type ValidationError } from '#httpapi/api-error.js';
import { COMPOSITE_SCOPE_NAMES } from '../../support/scopes.js';

const U1 = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const U2 = 'a1b2c3d4-0000-4000-8000-000000000002';
const U3 = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the request to be rejected');
}

const t = (type: string, id: string): APIKeyAllowListTarget => ({ type, id });

const invalid = (s: string) => `"${s}" is not a valid scope.`;
const internal = (s: string) => `"${s}" is not a requestable scope; GET /api/v2/auth/scopes lists those that are.`;

describe('normaliseScopes', () => {
  it.each<[string, string | undefined, string[] | undefined, string[]]>([
    ['nothing requested: coder:all', undefined, undefined, ['coder:all']],
    ['empty list: coder:all', undefined, [], ['coder:all']],
    ['empty legacy scope: coder:all', '', undefined, ['coder:all']],
    ['empty legacy scope and empty list: coder:all', '', [], ['coder:all']],
    ['legacy "all"', 'all', undefined, ['coder:all']],
    ['legacy "application_connect"', 'application_connect', undefined, ['coder:application_connect']],
    ['legacy canonical coder:all', 'coder:all', undefined, ['coder:all']],
    ['legacy low-level scope', 'workspace:read', undefined, ['workspace:read']],
    ['legacy composite scope', 'coder:workspaces.access', [], ['coder:workspaces.access']],
    ['aliases inside scopes[]', undefined, ['all', 'application_connect'], ['coder:all', 'coder:application_connect']],
    ['coder:all itself', undefined, ['coder:all'], ['coder:all']],
    ['coder:application_connect itself', undefined, ['coder:application_connect'], ['coder:application_connect']],
    ['a low-level scope', undefined, ['workspace:read'], ['workspace:read']],
    ['a resource wildcard', undefined, ['template:*'], ['template:*']],
    ['personal user actions', undefined, ['user:read_personal', 'user:update_personal'], ['user:read_personal', 'user:update_personal']],
    ['inbox notifications without the wildcard', undefined, ['inbox_notification:update', 'inbox_notification:read'], ['inbox_notification:read', 'inbox_notification:update']],
    ['duplicates removed', undefined, ['workspace:read', 'workspace:read'], ['workspace:read']],
    ['alias and canonical deduplicated', undefined, ['all', 'coder:all'], ['coder:all']],
    ['sorted', undefined, ['workspace:ssh', 'api_key:read', 'template:use'], ['api_key:read', 'template:use', 'workspace:ssh']],
    ['composites and low-level mixed, sorted', undefined, ['workspace:*', 'coder:templates.build', 'api_key:*'], ['api_key:*', 'coder:templates.build', 'workspace:*']],
    // A non-empty scopes[] wins: the legacy scope is not looked at.
    ['scopes[] wins over a valid legacy scope', 'application_connect', ['workspace:read'], ['workspace:read']],
    ['scopes[] wins over the legacy alias of the same scope', 'all', ['coder:all'], ['coder:all']],
    ['scopes[] wins over an unknown legacy scope', 'bogus', ['workspace:read'], ['workspace:read']],
    ['scopes[] wins over an internal legacy scope', 'license:read', ['api_key:read'], ['api_key:read']],
    ['an empty scopes[] falls back to the legacy scope', 'application_connect', [], ['coder:application_connect']],
  ])('%s', (_name, scope, scopes, expected) => {
    expect(normaliseScopes(scope, scopes)).toEqual(expected);
  });

  // Coder's externally requestable composites (reference §4, scopes_catalog.go).
  it.each<string>([...COMPOSITE_SCOPE_NAMES])('accepts the composite scope %s', (scope) => {
    expect(normaliseScopes(undefined, [scope])).toEqual([scope]);
  });

  // Every rejection path, on either field: [name, legacy scope, scopes[], expected validations, first rejected].
  it.each<[string, string | undefined, string[] | undefined, ValidationError[], string]>([
    ['unknown name', undefined, ['bogus'], [{ field: 'scopes', detail: invalid('bogus') }], 'bogus'],
    ['empty string', undefined, [''], [{ field: 'scopes', detail: invalid('') }], ''],
    ['unknown resource', undefined, ['spaceship:read'], [{ field: 'scopes', detail: invalid('spaceship:read') }], 'spaceship:read'],
    ['unknown action', undefined, ['workspace:fly'], [{ field: 'scopes', detail: invalid('workspace:fly') }], 'workspace:fly'],
    ['action the resource does not have', undefined, ['user:ssh'], [{ field: 'scopes', detail: invalid('user:ssh') }], 'user:ssh'],
    ['action of another resource', undefined, ['template:start'], [{ field: 'scopes', detail: invalid('template:start') }], 'template:start'],
    ['unknown coder: scope', undefined, ['coder:everything'], [{ field: 'scopes', detail: invalid('coder:everything') }], 'coder:everything'],
    ['coder: with a resource action', undefined, ['coder:read'], [{ field: 'scopes', detail: invalid('coder:read') }], 'coder:read'],
    ['coder:* wildcard', undefined, ['coder:*'], [{ field: 'scopes', detail: invalid('coder:*') }], 'coder:*'],
    ['empty action', undefined, ['workspace:'], [{ field: 'scopes', detail: invalid('workspace:') }], 'workspace:'],
    ['empty resource', undefined, [':read'], [{ field: 'scopes', detail: invalid(':read') }], ':read'],
    ['resource without action', undefined, ['workspace'], [{ field: 'scopes', detail: invalid('workspace') }], 'workspace'],
    ['upper case', undefined, ['Workspace:Read'], [{ field: 'scopes', detail: invalid('Workspace:Read') }], 'Workspace:Read'],
    ['upper-case alias', undefined, ['ALL'], [{ field: 'scopes', detail: invalid('ALL') }], 'ALL'],
    ['upper-case coder:all', undefined, ['CODER:ALL'], [{ field: 'scopes', detail: invalid('CODER:ALL') }], 'CODER:ALL'],
    ['surrounding whitespace', undefined, [' workspace:read'], [{ field: 'scopes', detail: invalid(' workspace:read') }], ' workspace:read'],
    ['*:* as a scope', undefined, ['*:*'], [{ field: 'scopes', detail: invalid('*:*') }], '*:*'],
    ['*:read as a scope', undefined, ['*:read'], [{ field: 'scopes', detail: invalid('*:read') }], '*:read'],
    ['extra segment', undefined, ['workspace:read:x'], [{ field: 'scopes', detail: invalid('workspace:read:x') }], 'workspace:read:x'],
    // Known to the catalog but for internal keys only.
    ['internal: license:read', undefined, ['license:read'], [{ field: 'scopes', detail: internal('license:read') }], 'license:read'],
    ['internal: group:*', undefined, ['group:*'], [{ field: 'scopes', detail: internal('group:*') }], 'group:*'],
    ['internal: debug_info:read', undefined, ['debug_info:read'], [{ field: 'scopes', detail: internal('debug_info:read') }], 'debug_info:read'],
    ['internal: system:*', undefined, ['system:*'], [{ field: 'scopes', detail: internal('system:*') }], 'system:*'],
    ['internal: inbox_notification:*', undefined, ['inbox_notification:*'], [{ field: 'scopes', detail: internal('inbox_notification:*') }], 'inbox_notification:*'],
    ['internal: inbox_notification:create', undefined, ['inbox_notification:create'], [{ field: 'scopes', detail: internal('inbox_notification:create') }], 'inbox_notification:create'],
    ['internal: workspace:create_agent', undefined, ['workspace:create_agent'], [{ field: 'scopes', detail: internal('workspace:create_agent') }], 'workspace:create_agent'],
    ['internal: workspace_dormant:read', undefined, ['workspace_dormant:read'], [{ field: 'scopes', detail: internal('workspace_dormant:read') }], 'workspace_dormant:read'],
    ['internal: template:view_insights', undefined, ['template:view_insights'], [{ field: 'scopes', detail: internal('template:view_insights') }], 'template:view_insights'],
    ['internal: user:create', undefined, ['user:create'], [{ field: 'scopes', detail: internal('user:create') }], 'user:create'],
    ['internal: organization:create', undefined, ['organization:create'], [{ field: 'scopes', detail: internal('organization:create') }], 'organization:create'],
    ['internal: assign_role:assign', undefined, ['assign_role:assign'], [{ field: 'scopes', detail: internal('assign_role:assign') }], 'assign_role:assign'],
    // The legacy field is examined only when scopes[] is absent or empty; its errors name it.
    ['legacy scope unknown', 'bogus', undefined, [{ field: 'scope', detail: invalid('bogus') }], 'bogus'],
    ['legacy scope unknown, scopes[] empty', 'bogus', [], [{ field: 'scope', detail: invalid('bogus') }], 'bogus'],
    ['legacy scope upper case', 'Application_Connect', undefined, [{ field: 'scope', detail: invalid('Application_Connect') }], 'Application_Connect'],
    ['legacy scope internal', 'license:read', undefined, [{ field: 'scope', detail: internal('license:read') }], 'license:read'],
    ['legacy scope *:*', '*:*', undefined, [{ field: 'scope', detail: invalid('*:*') }], '*:*'],
    // A bad scopes[] is reported on scopes even when the legacy scope is fine (and the legacy one is never reported).
    ['scopes[] invalid, legacy valid', 'all', ['bogus'], [{ field: 'scopes', detail: invalid('bogus') }], 'bogus'],
    ['scopes[] invalid, legacy invalid too', 'nope', ['workspace:read', 'bad:one'], [{ field: 'scopes', detail: invalid('bad:one') }], 'bad:one'],
    // One validation per rejected entry, in request order; the detail names the first.
    [
      'several invalid, in request order',
      undefined,
      ['zzz', 'workspace:read', 'license:read', 'aaa', 'group:*'],
      [
        { field: 'scopes', detail: invalid('zzz') },
        { field: 'scopes', detail: internal('license:read') },
        { field: 'scopes', detail: invalid('aaa') },
        { field: 'scopes', detail: internal('group:*') },
      ],
      'zzz',
    ],
    [
      'internal before unknown: the first rejected is the internal one',
      undefined,
      ['debug_info:read', 'bogus'],
      [
        { field: 'scopes', detail: internal('debug_info:read') },
        { field: 'scopes', detail: invalid('bogus') },
      ],
      'debug_info:read',
    ],
    [
      'a repeated invalid scope is reported once',
      undefined,
      ['bogus', 'workspace:read', 'bogus'],
      [{ field: 'scopes', detail: invalid('bogus') }],
      'bogus',
    ],
  ])('rejects %s', (_name, scope, scopes, validations, first) => {
    const err = failure(() => normaliseScopes(scope, scopes));
    expect(err.status).toBe(400);
    expect(err.message).toBe('Failed to create API key.');
    expect(err.detail).toBe(`invalid or unsupported API key scope: "${first}"`);
    expect(err.validations).toEqual(validations);
    expect(err.body()).toEqual({
      message: 'Failed to create API key.',
      detail: `invalid or unsupported API key scope: "${first}"`,
      validations,
    });
  });
});

describe('normaliseAllowList', () => {
  it.each<[string, APIKeyAllowListTarget[] | undefined, string[]]>([
    ['absent: everything', undefined, ['*:*']],
    ['empty: everything', [], ['*:*']],
    ['explicit *:*', [t('*', '*')], ['*:*']],
    ['*:* stands alone', [t('workspace', U1), t('*', '*'), t('template', '*')], ['*:*']],
    ['*:* listed twice', [t('*', '*'), t('*', '*')], ['*:*']],
    ['one id', [t('workspace', U1)], [`workspace:${U1}`]],
    ['a type wildcard', [t('template', '*')], ['template:*']],
    ['type and id are lower-cased', [t('Workspace', U1.toUpperCase())], [`workspace:${U1}`]],
    ['an upper-case type wildcard', [t('TEMPLATE', '*')], ['template:*']],
    ['a type wildcard shadows that type\'s ids', [t('workspace', U1), t('workspace', '*'), t('workspace', U2)], ['workspace:*']],
    ['a type wildcard shadows ids written in upper case', [t('workspace', U1.toUpperCase()), t('Workspace', '*')], ['workspace:*']],
    ['a wildcard of another type shadows nothing', [t('template', '*'), t('workspace', U1)], ['template:*', `workspace:${U1}`]],
    ['workspace:* does not shadow workspace_dormant ids', [t('workspace_dormant', U1), t('workspace', '*')], ['workspace:*', `workspace_dormant:${U1}`]],
    ['duplicates removed', [t('workspace', U1), t('workspace', U1.toUpperCase())], [`workspace:${U1}`]],
    ['duplicate wildcards removed', [t('template', '*'), t('template', '*')], ['template:*']],
    ['sorted', [t('workspace', U2), t('template', U1), t('workspace', U1)], [`template:${U1}`, `workspace:${U1}`, `workspace:${U2}`]],
    ['several types, wildcards and ids', [t('workspace', U3), t('api_key', '*'), t('template', U2), t('workspace', U1)], ['api_key:*', `template:${U2}`, `workspace:${U1}`, `workspace:${U3}`]],
  ])('%s', (_name, list, expected) => {
    expect(normaliseAllowList(list)).toEqual(expected);
  });

  it.each<[string, APIKeyAllowListTarget[], ValidationError[]]>([
    ['wildcard type with an id', [t('*', U1)], [{ field: 'allow_list[0].id', detail: 'The wildcard type "*" only allows the id "*".' }]],
    ['wildcard type with an empty id', [t('*', '')], [{ field: 'allow_list[0].id', detail: 'The wildcard type "*" only allows the id "*".' }]],
    ['unknown type', [t('spaceship', '*')], [{ field: 'allow_list[0].type', detail: '"spaceship" is not a resource type.' }]],
    ['empty type', [t('', '*')], [{ field: 'allow_list[0].type', detail: '"" is not a resource type.' }]],
    ['unknown type keeps its spelling in the detail', [t('SpaceShip', U1)], [{ field: 'allow_list[0].type', detail: '"SpaceShip" is not a resource type.' }]],
    ['id not a UUID', [t('workspace', 'my-workspace')], [{ field: 'allow_list[0].id', detail: 'Must be "*" or a UUID.' }]],
    ['empty id', [t('workspace', '')], [{ field: 'allow_list[0].id', detail: 'Must be "*" or a UUID.' }]],
    ['UUID with braces', [t('workspace', `{${U1}}`)], [{ field: 'allow_list[0].id', detail: 'Must be "*" or a UUID.' }]],
    [
      'errors are indexed',
      [t('workspace', U1), t('nope', '*'), t('template', 'x')],
      [
        { field: 'allow_list[1].type', detail: '"nope" is not a resource type.' },
        { field: 'allow_list[2].id', detail: 'Must be "*" or a UUID.' },
      ],
    ],
    [
      'a valid *:* does not hide the other errors',
      [t('*', '*'), t('nope', U1)],
      [{ field: 'allow_list[1].type', detail: '"nope" is not a resource type.' }],
    ],
  ])('rejects %s', (_name, list, validations) => {
    const err = failure(() => normaliseAllowList(list));
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid allow list.');
    expect(err.detail).toBeUndefined();
    expect(err.validations).toEqual(validations);
  });
});
