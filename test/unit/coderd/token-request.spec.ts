// Scopes and allow lists of POST /users/{user}/keys/tokens (reference §4).
import { describe, expect, it } from '@jest/globals';
import type { APIKeyAllowListTarget } from '../../../apps/coderd/src/apikeys/apikeys.dto.js';
import { normaliseAllowList, normaliseScopes } from '../../../apps/coderd/src/apikeys/token-request.js';
import { ApiError } from '../../../libs/httpapi/src/api-error.js';

const U1 = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const U2 = 'a1b2c3d4-0000-4000-8000-000000000002';

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

describe('normaliseScopes', () => {
  it.each<[string, string | undefined, string[] | undefined, string[]]>([
    ['nothing requested: coder:all', undefined, undefined, ['coder:all']],
    ['empty list: coder:all', undefined, [], ['coder:all']],
    ['empty legacy scope: coder:all', '', undefined, ['coder:all']],
    ['legacy "all"', 'all', undefined, ['coder:all']],
    ['legacy "application_connect"', 'application_connect', undefined, ['coder:application_connect']],
    ['aliases inside scopes[]', undefined, ['all', 'application_connect'], ['coder:all', 'coder:application_connect']],
    ['coder:all itself', undefined, ['coder:all'], ['coder:all']],
    ['a low-level scope', undefined, ['workspace:read'], ['workspace:read']],
    ['a resource wildcard', undefined, ['template:*'], ['template:*']],
    ['personal user actions', undefined, ['user:read_personal', 'user:update_personal'], ['user:read_personal', 'user:update_personal']],
    ['duplicates removed', undefined, ['workspace:read', 'workspace:read'], ['workspace:read']],
    ['alias and canonical deduplicated', 'all', ['coder:all'], ['coder:all']],
    ['sorted', undefined, ['workspace:ssh', 'api_key:read', 'template:use'], ['api_key:read', 'template:use', 'workspace:ssh']],
    ['legacy scope merged with scopes[]', 'application_connect', ['workspace:read'], ['coder:application_connect', 'workspace:read']],
  ])('%s', (_name, scope, scopes, expected) => {
    expect(normaliseScopes(scope, scopes)).toEqual(expected);
  });

  // Coder's externally requestable composites (reference §4, scopes_catalog.go).
  it.each<string>([
    'coder:workspaces.create',
    'coder:workspaces.operate',
    'coder:workspaces.delete',
    'coder:workspaces.access',
    'coder:templates.build',
    'coder:templates.author',
    'coder:apikeys.manage_self',
  ])('accepts the composite scope %s', (scope) => {
    expect(normaliseScopes(undefined, [scope])).toEqual([scope]);
  });

  it.each<[string, string]>([
    ['unknown name', 'bogus'],
    ['unknown resource', 'spaceship:read'],
    ['unknown action', 'workspace:fly'],
    ['action the resource does not have', 'user:ssh'],
    ['unknown coder: scope', 'coder:everything'],
    ['empty action', 'workspace:'],
    ['empty resource', ':read'],
    ['upper case', 'Workspace:Read'],
  ])('rejects %s (%s) with a validation on scopes', (_name, scope) => {
    const err = failure(() => normaliseScopes(undefined, [scope]));
    expect(err.status).toBe(400);
    expect(err.validations).toEqual([{ field: 'scopes', detail: `"${scope}" is not a valid scope.` }]);
  });

  it('reports every invalid scope', () => {
    const err = failure(() => normaliseScopes('nope', ['workspace:read', 'bad:one']));
    expect(err.validations?.map((v) => v.detail)).toEqual(['"bad:one" is not a valid scope.', '"nope" is not a valid scope.']);
  });
});

describe('normaliseAllowList', () => {
  it.each<[string, APIKeyAllowListTarget[] | undefined, string[]]>([
    ['absent: everything', undefined, ['*:*']],
    ['empty: everything', [], ['*:*']],
    ['explicit *:*', [t('*', '*')], ['*:*']],
    ['*:* stands alone', [t('workspace', U1), t('*', '*'), t('template', '*')], ['*:*']],
    ['one id', [t('workspace', U1)], [`workspace:${U1}`]],
    ['a type wildcard', [t('template', '*')], ['template:*']],
    ['type and id are lower-cased', [t('Workspace', U1.toUpperCase())], [`workspace:${U1}`]],
    ['a type wildcard shadows that type\'s ids', [t('workspace', U1), t('workspace', '*'), t('workspace', U2)], ['workspace:*']],
    ['a wildcard of another type shadows nothing', [t('template', '*'), t('workspace', U1)], ['template:*', `workspace:${U1}`]],
    ['duplicates removed', [t('workspace', U1), t('workspace', U1.toUpperCase())], [`workspace:${U1}`]],
    ['sorted', [t('workspace', U2), t('template', U1), t('workspace', U1)], [`template:${U1}`, `workspace:${U1}`, `workspace:${U2}`]],
  ])('%s', (_name, list, expected) => {
    expect(normaliseAllowList(list)).toEqual(expected);
  });

  it.each<[string, APIKeyAllowListTarget[], string[]]>([
    ['wildcard type with an id', [t('*', U1)], ['allow_list[0].id']],
    ['unknown type', [t('spaceship', '*')], ['allow_list[0].type']],
    ['id not a UUID', [t('workspace', 'my-workspace')], ['allow_list[0].id']],
    ['empty id', [t('workspace', '')], ['allow_list[0].id']],
    ['errors are indexed', [t('workspace', U1), t('nope', '*'), t('template', 'x')], ['allow_list[1].type', 'allow_list[2].id']],
  ])('rejects %s', (_name, list, fields) => {
    const err = failure(() => normaliseAllowList(list));
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid allow list.');
    expect(err.validations?.map((v) => v.field)).toEqual(fields);
  });
});
