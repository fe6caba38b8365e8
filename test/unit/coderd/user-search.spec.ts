// Coder's user search query: `key:value` terms (quoted values allowed) and bare words.
import { describe, expect, it } from '@jest/globals';
import { parseUserSearch, type UserSearch } from '#coderd/users/user-search.js';
import { ApiError } from '#httpapi/api-error.js';

const EMPTY: UserSearch = { status: [], roles: [], loginTypes: [] };

function failure(q: string): ApiError {
  try {
    parseUserSearch(q);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(q)} to be rejected`);
}

describe('parseUserSearch', () => {
  it.each<[string, string | undefined, Partial<UserSearch>]>([
    ['undefined', undefined, {}],
    ['empty', '', {}],
    ['whitespace', '   ', {}],
    ['one bare word', 'alice', { search: 'alice' }],
    ['bare words joined by one space', 'alice   bob', { search: 'alice bob' }],
    ['username', 'username:alice', { username: 'alice' }],
    ['email', 'email:alice@example.com', { email: 'alice@example.com' }],
    ['a value containing a colon', 'email:a:b@example.com', { email: 'a:b@example.com' }],
    ['status', 'status:active', { status: ['active'] }],
    ['several statuses', 'status:suspended status:dormant', { status: ['suspended', 'dormant'] }],
    ['keys are case-insensitive', 'STATUS:active Role:owner', { status: ['active'], roles: ['owner'] }],
    ['role', 'role:owner role:auditor', { roles: ['owner', 'auditor'] }],
    ['login_type', 'login_type:password login_type:oidc', { loginTypes: ['password', 'oidc'] }],
    ['github_com_user_id', 'github_com_user_id:12345', { githubComUserId: '12345' }],
    ['service_account true', 'service_account:true', { serviceAccount: true }],
    ['service_account false', 'service_account:false', { serviceAccount: false }],
    ['quoted value with a space', 'username:"al ice"', { username: 'al ice' }],
    ['quoted bare words', '"alice smith"', { search: 'alice smith' }],
    ['terms and words mixed', 'alice status:active bob', { search: 'alice bob', status: ['active'] }],
  ])('%s', (_name, q, expected) => {
    expect(parseUserSearch(q)).toEqual({ ...EMPTY, ...expected });
  });

  it.each<[string, keyof UserSearch, string]>([
    ['created_before:2024-01-31', 'createdBefore', '2024-01-31T00:00:00.000Z'],
    ['created_after:2024-01-31T10:20:30Z', 'createdAfter', '2024-01-31T10:20:30.000Z'],
    ['last_seen_before:2023-06-01T00:00:00+02:00', 'lastSeenBefore', '2023-05-31T22:00:00.000Z'],
    ['last_seen_after:2020-02-29', 'lastSeenAfter', '2020-02-29T00:00:00.000Z'],
  ])('date term %s', (q, key, iso) => {
    const parsed = parseUserSearch(q);
    expect(parsed[key]).toBeInstanceOf(Date);
    expect((parsed[key] as Date).toISOString()).toBe(iso);
  });

  it.each<[string, string[]]>([
    ['status:bogus', ['status']],
    ['status:Active', ['status']],
    ['login_type:ldap', ['login_type']],
    ['github_com_user_id:abc', ['github_com_user_id']],
    ['github_com_user_id:-1', ['github_com_user_id']],
    ['service_account:yes', ['service_account']],
    ['created_before:yesterday', ['created_before']],
    ['created_after:2024-13-45', ['created_after']],
    // Not a date in any format the message promises (YYYY-MM-DD or RFC 3339).
    ['created_after:12', ['created_after']],
    ['last_seen_after:', ['last_seen_after']],
    ['foo:bar', ['foo']],
    ['status:nope foo:bar login_type:x', ['status', 'foo', 'login_type']],
  ])('rejects %j with 400 naming %j', (q, fields) => {
    const err = failure(q);
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid user search query.');
    expect(err.validations?.map((v) => v.field)).toEqual(fields);
  });
});
