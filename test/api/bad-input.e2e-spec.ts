import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { api, createFirstUser, createUser, PASSWORD, type FirstUser, type TestUser } from '../support/fixtures.js';
import { expectErrorBody } from '../support/error-body.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Bad input never answers 500: every case below is a 4xx with Coder's error body
 * {message, detail?, validations?: [{field, detail}]}.
 */

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

interface Ctx {
  owner: FirstUser;
  member: TestUser;
}

interface Case {
  name: string;
  method: Method;
  path: string | ((ctx: Ctx) => string);
  /** Authenticated as the owner unless 'none'. */
  auth?: 'owner' | 'none';
  /** A JSON-serialisable body. */
  json?: unknown;
  /** A raw body, sent as-is with `contentType` (default application/json). */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  status: number | number[];
  message?: string | RegExp;
  /** The failure is a validation naming this field. */
  field?: string;
}

const UNKNOWN_UUID = '6f1e3c2a-0000-4000-8000-00000000abcd';
const user = (over: Record<string, unknown> = {}) => ({
  username: `bad-${Math.random().toString(36).slice(2, 8)}`,
  email: `bad-${Math.random().toString(36).slice(2, 8)}@example.com`,
  password: PASSWORD,
  ...over,
});

function expectCoderError(res: Response, c: Pick<Case, 'status' | 'message' | 'field'>): void {
  expectErrorBody(res, c.status, c.message);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  if (c.field) {
    expect(res.body.validations).toEqual(expect.arrayContaining([expect.objectContaining({ field: c.field })]));
  }
}

const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const overOneMiB = () => JSON.stringify({ ...user(), name: 'a'.repeat(1024 * 1024 + 10) });

const bodyShapeCases: Case[] = [
  { name: 'malformed JSON', method: 'post', path: '/api/v2/users', raw: '{"username": ', status: 400, message: 'Request body must be valid JSON.' },
  { name: 'JSON with a trailing comma', method: 'post', path: '/api/v2/users', raw: '{"username":"a",}', status: 400, message: 'Request body must be valid JSON.' },
  { name: 'single-quoted pseudo-JSON', method: 'post', path: '/api/v2/users', raw: "{'username':'a'}", status: 400, message: 'Request body must be valid JSON.' },
  { name: 'empty body with a JSON content type', method: 'post', path: '/api/v2/users', raw: '', status: 400 },
  { name: 'no body at all', method: 'post', path: '/api/v2/users', status: 400 },
  { name: 'a JSON array body', method: 'post', path: '/api/v2/users', raw: '[]', status: 400 },
  { name: 'a JSON array of objects', method: 'post', path: '/api/v2/users', raw: JSON.stringify([user()]), status: 400 },
  { name: 'a JSON null body', method: 'post', path: '/api/v2/users', raw: 'null', status: 400 },
  { name: 'a JSON string body', method: 'post', path: '/api/v2/users', raw: '"just a string"', status: 400 },
  { name: 'a JSON number body', method: 'post', path: '/api/v2/users', raw: '42', status: 400 },
  { name: 'a JSON boolean body', method: 'post', path: '/api/v2/users', raw: 'true', status: 400 },
  { name: 'a JSON null body on login', method: 'post', path: '/api/v2/users/login', auth: 'none', raw: 'null', status: 400 },
  { name: 'a JSON array body on PUT roles', method: 'put', path: (c) => `/api/v2/users/${c.member.id}/roles`, raw: '["owner"]', status: 400 },
  { name: 'a text/plain body', method: 'post', path: '/api/v2/users', raw: JSON.stringify(user()), contentType: 'text/plain', status: [400, 415] },
  { name: 'a form-encoded body', method: 'post', path: '/api/v2/users', raw: 'username=x&password=y', contentType: 'application/x-www-form-urlencoded', status: [400, 415] },
  { name: 'a __proto__ key', method: 'post', path: '/api/v2/users', raw: `{"__proto__":{"is_admin":true},"username":"protouser","email":"p@example.com","password":"${PASSWORD}"}`, status: 400 },
  { name: 'a constructor.prototype key', method: 'post', path: '/api/v2/users', raw: `{"constructor":{"prototype":{"x":1}},"username":"ctoruser","email":"c@example.com","password":"${PASSWORD}"}`, status: 400 },
  { name: 'a deeply nested array (100k levels)', method: 'post', path: '/api/v2/users', raw: deepArray(100_000), status: 400 },
  { name: 'a deeply nested object (50k levels)', method: 'post', path: '/api/v2/users', raw: deepObject(50_000), status: 400 },
  { name: 'a deeply nested value inside an unknown field (20k levels)', method: 'post', path: '/api/v2/users', raw: `{"username":"deepval","email":"deepval@example.com","password":"${PASSWORD}","bogus":${deepObject(20_000)}}`, status: 400 },
  { name: 'a deeply nested value on the public login route (20k levels)', method: 'post', path: '/api/v2/users/login', auth: 'none', raw: `{"email":${deepObject(20_000)},"password":"x"}`, status: 400 },
  { name: 'invalid UTF-8 inside a JSON string', method: 'post', path: '/api/v2/users/login', auth: 'none', raw: Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`@example.com","password":"${PASSWORD}"}`)]), status: [400, 401] },
  { name: 'a body over 1 MiB', method: 'post', path: '/api/v2/users', raw: overOneMiB(), status: 413, message: 'Request body is too large.' },
  { name: 'a body over 1 MiB on a public route', method: 'post', path: '/api/v2/users/login', auth: 'none', raw: JSON.stringify({ email: 'a'.repeat(1024 * 1024 + 10), password: 'x' }), status: 413, message: 'Request body is too large.' },
];

const fieldCases: Case[] = [
  { name: 'username as a number', method: 'post', path: '/api/v2/users', json: user({ username: 123 }), status: 400, field: 'username' },
  { name: 'username as null', method: 'post', path: '/api/v2/users', json: user({ username: null }), status: 400, field: 'username' },
  { name: 'username missing', method: 'post', path: '/api/v2/users', json: { email: 'nouser@example.com', password: PASSWORD }, status: 400, field: 'username' },
  { name: 'email as an array', method: 'post', path: '/api/v2/users', json: user({ email: ['a@example.com'] }), status: 400, field: 'email' },
  { name: 'email not an address', method: 'post', path: '/api/v2/users', json: user({ email: 'not-an-email' }), status: 400, field: 'email' },
  { name: 'password as an object', method: 'post', path: '/api/v2/users', json: user({ password: {} }), status: 400, field: 'password' },
  { name: 'organization_ids as an object', method: 'post', path: '/api/v2/users', json: user({ organization_ids: {} }), status: 400, field: 'organization_ids' },
  { name: 'organization_ids as a string', method: 'post', path: '/api/v2/users', json: user({ organization_ids: UNKNOWN_UUID }), status: 400, field: 'organization_ids' },
  { name: 'organization_ids with a non-UUID', method: 'post', path: '/api/v2/users', json: user({ organization_ids: ['not-a-uuid'] }), status: 400, field: 'organization_ids' },
  { name: 'organization_ids naming an unknown organization', method: 'post', path: '/api/v2/users', json: user({ organization_ids: [UNKNOWN_UUID] }), status: [400, 404] },
  { name: 'user_status as a boolean', method: 'post', path: '/api/v2/users', json: user({ user_status: true }), status: 400, field: 'user_status' },
  { name: 'user_status not a known status', method: 'post', path: '/api/v2/users', json: user({ user_status: 'sleeping' }), status: 400, field: 'user_status' },
  { name: 'login_type not a known type', method: 'post', path: '/api/v2/users', json: user({ login_type: 'ldap' }), status: 400, field: 'login_type' },
  { name: 'service_account as a string', method: 'post', path: '/api/v2/users', json: user({ service_account: 'yes' }), status: 400, field: 'service_account' },
  { name: 'an unknown field', method: 'post', path: '/api/v2/users', json: user({ bogus_field: 1 }), status: 400, field: 'bogus_field' },
  { name: 'username over 32 characters', method: 'post', path: '/api/v2/users', json: user({ username: 'a'.repeat(33) }), status: 400, field: 'username' },
  { name: 'username with invalid characters', method: 'post', path: '/api/v2/users', json: user({ username: 'no_underscores!' }), status: 400, field: 'username' },
  { name: 'username with a NUL byte', method: 'post', path: '/api/v2/users', json: user({ username: 'nul\u0000name' }), status: 400, field: 'username' },
  { name: 'name over 128 characters', method: 'post', path: '/api/v2/users', json: user({ name: 'n'.repeat(129) }), status: 400, field: 'name' },
  { name: 'name with a NUL byte', method: 'post', path: '/api/v2/users', json: user({ name: 'Nul\u0000Name' }), status: 400, field: 'name' },
  { name: 'password over 64 characters', method: 'post', path: '/api/v2/users', json: user({ password: `Aa1-${'x'.repeat(61)}` }), status: 400, field: 'password' },
  { name: 'first user: password over 64 characters', method: 'post', path: '/api/v2/users/first', auth: 'none', json: user({ password: `Aa1-${'x'.repeat(61)}` }), status: 400, field: 'password' },
  { name: 'profile: username as a number', method: 'put', path: '/api/v2/users/me/profile', json: { username: 5 }, status: 400, field: 'username' },
  { name: 'profile: username missing', method: 'put', path: '/api/v2/users/me/profile', json: {}, status: 400, field: 'username' },
  { name: 'profile: name over 128 characters', method: 'put', path: '/api/v2/users/me/profile', json: { username: 'owner', name: 'n'.repeat(129) }, status: 400, field: 'name' },
  { name: 'profile: name with a NUL byte', method: 'put', path: (c) => `/api/v2/users/${c.member.id}/profile`, json: { username: 'nul-profile', name: 'a\u0000b' }, status: 400, field: 'name' },
  { name: 'roles as a string', method: 'put', path: (c) => `/api/v2/users/${c.member.id}/roles`, json: { roles: 'template-admin' }, status: 400, field: 'roles' },
  { name: 'roles as numbers', method: 'put', path: (c) => `/api/v2/users/${c.member.id}/roles`, json: { roles: [1, 2] }, status: 400, field: 'roles' },
  { name: 'roles missing', method: 'put', path: (c) => `/api/v2/users/${c.member.id}/roles`, json: {}, status: 400, field: 'roles' },
  { name: 'password change: password as a number', method: 'put', path: (c) => `/api/v2/users/${c.member.id}/password`, json: { password: 12345 }, status: 400, field: 'password' },
  { name: 'password change: password over 64 characters', method: 'put', path: (c) => `/api/v2/users/${c.member.id}/password`, json: { password: `Aa1-${'x'.repeat(61)}` }, status: 400, field: 'password' },
  { name: 'login: email and password as numbers', method: 'post', path: '/api/v2/users/login', auth: 'none', json: { email: 1, password: 2 }, status: 400, field: 'email' },
  { name: 'login: empty object', method: 'post', path: '/api/v2/users/login', auth: 'none', json: {}, status: 400, field: 'email' },
  { name: 'login: password over 64 characters', method: 'post', path: '/api/v2/users/login', auth: 'none', json: { email: 'owner@example.com', password: 'p'.repeat(65) }, status: 400, field: 'password' },
  { name: 'login: email with a NUL byte', method: 'post', path: '/api/v2/users/login', auth: 'none', json: { email: 'own\u0000er@example.com', password: PASSWORD }, status: [400, 401] },
  { name: 'login: username-style login with a NUL byte', method: 'post', path: '/api/v2/users/login', auth: 'none', json: { email: 'own\u0000er', password: PASSWORD }, status: [400, 401] },
];

const queryCases: Case[] = [
  { name: 'limit negative', method: 'get', path: '/api/v2/users?limit=-1', status: 400, field: 'limit' },
  { name: 'limit not a number', method: 'get', path: '/api/v2/users?limit=abc', status: 400, field: 'limit' },
  { name: 'limit beyond int32', method: 'get', path: '/api/v2/users?limit=99999999999', status: 400, field: 'limit' },
  { name: 'offset fractional', method: 'get', path: '/api/v2/users?offset=1.5', status: 400, field: 'offset' },
  { name: 'after_id not a UUID', method: 'get', path: '/api/v2/users?after_id=not-a-uuid', status: 400, field: 'after_id' },
  { name: 'after_id with offset', method: 'get', path: `/api/v2/users?after_id=${UNKNOWN_UUID}&offset=2`, status: 400 },
  { name: 'search: unknown key', method: 'get', path: '/api/v2/users?q=bogus:1', status: 400, message: 'Invalid user search query.', field: 'bogus' },
  { name: 'search: empty status', method: 'get', path: '/api/v2/users?q=status:', status: 400, field: 'status' },
  { name: 'search: unknown login_type', method: 'get', path: '/api/v2/users?q=login_type:ldap', status: 400, field: 'login_type' },
  { name: 'search: github_com_user_id not a number', method: 'get', path: '/api/v2/users?q=github_com_user_id:abc', status: 400, field: 'github_com_user_id' },
  { name: 'search: github_com_user_id beyond bigint', method: 'get', path: '/api/v2/users?q=github_com_user_id:99999999999999999999', status: 400, field: 'github_com_user_id' },
  { name: 'search: a bare word with a NUL byte', method: 'get', path: '/api/v2/users?q=%00', status: 400 },
  { name: 'search: username: with a NUL byte', method: 'get', path: '/api/v2/users?q=username:a%00', status: 400 },
  { name: 'search: role: with a NUL byte', method: 'get', path: '/api/v2/users?q=role:a%00', status: 400 },
  { name: 'search: created_after not a date', method: 'get', path: '/api/v2/users?q=created_after:yesterday-ish', status: 400, field: 'created_after' },
];

const pathCases: Case[] = [
  { name: 'keys of a non-UUID, unknown user', method: 'get', path: '/api/v2/users/not-a-user/keys/abcdefghij', status: 404 },
  { name: 'keys of an unknown user id', method: 'get', path: `/api/v2/users/${UNKNOWN_UUID}/keys/abcdefghij`, status: 404 },
  { name: 'a key id that is not a key', method: 'get', path: '/api/v2/users/me/keys/not-a-key-id', status: 404 },
  { name: 'deleting a key id that is not a key', method: 'delete', path: '/api/v2/users/me/keys/not-a-key-id', status: 404 },
  { name: 'a token name that does not exist', method: 'get', path: '/api/v2/users/me/keys/tokens/no-such-token', status: 404 },
  { name: 'a token name with a NUL byte', method: 'get', path: '/api/v2/users/me/keys/tokens/a%00b', status: [400, 404] },
  { name: 'a key id with a NUL byte', method: 'get', path: '/api/v2/users/me/keys/abc%00defgh', status: [400, 404] },
  { name: 'a username with a NUL byte', method: 'get', path: '/api/v2/users/a%00b', status: [400, 404] },
  { name: 'a username that is SQL', method: 'get', path: `/api/v2/users/${encodeURIComponent("' OR 1=1 --")}`, status: 404 },
  { name: 'a username with encoded slashes', method: 'get', path: '/api/v2/users/..%2F..%2Fetc%2Fpasswd', status: [400, 404] },
  { name: 'a malformed percent-encoding', method: 'get', path: '/api/v2/users/%E0%A4%A', status: [400, 404] },
  { name: 'a 300-character username', method: 'get', path: `/api/v2/users/${'a'.repeat(300)}`, status: [400, 404, 414] },
  { name: 'an almost-UUID user id', method: 'get', path: '/api/v2/users/00000000-0000-0000-0000-00000000000g', status: 404 },
  { name: 'deleting an unknown user id', method: 'delete', path: `/api/v2/users/${UNKNOWN_UUID}`, status: 404 },
  { name: 'suspending an unknown user', method: 'put', path: '/api/v2/users/no-such-user/status/suspend', status: 404 },
  { name: 'roles of an unknown user', method: 'put', path: `/api/v2/users/${UNKNOWN_UUID}/roles`, json: { roles: [] }, status: 404 },
  { name: 'password of an unknown user', method: 'put', path: '/api/v2/users/no-such-user/password', json: { password: PASSWORD }, status: 404 },
  { name: 'an unknown organization id', method: 'get', path: `/api/v2/organizations/${UNKNOWN_UUID}`, status: 404 },
  { name: 'an unknown organization name', method: 'get', path: '/api/v2/organizations/no-such-org', status: 404 },
  { name: 'an organization name with a NUL byte', method: 'get', path: '/api/v2/organizations/co%00der', status: [400, 404] },
  { name: 'an unknown member of the organization', method: 'get', path: (c) => `/api/v2/organizations/${c.owner.orgId}/members/no-such-user`, status: 404 },
  { name: 'member roles in an unknown organization', method: 'put', path: (c) => `/api/v2/organizations/${UNKNOWN_UUID}/members/${c.member.id}/roles`, json: { roles: [] }, status: 404 },
];

const ROUTE_NOT_FOUND = { message: 'Route not found.' };
const routeCases: Case[] = [
  { name: 'GET an unknown route', method: 'get', path: '/api/v2/nope', status: 404, message: ROUTE_NOT_FOUND.message },
  { name: 'GET an unknown route without a session', method: 'get', path: '/api/v2/nope', auth: 'none', status: 404, message: ROUTE_NOT_FOUND.message },
  { name: 'POST an unknown route with a body', method: 'post', path: '/api/v2/does-not-exist', json: { a: 1 }, status: 404, message: ROUTE_NOT_FOUND.message },
  { name: 'an unknown sub-route of a user', method: 'get', path: '/api/v2/users/me/nope/deeper', status: 404, message: ROUTE_NOT_FOUND.message },
  { name: 'an over-long key path', method: 'get', path: '/api/v2/users/me/keys/tokens/a/b/c', status: 404, message: ROUTE_NOT_FOUND.message },
  { name: 'an unknown route under /api/v2 with a malformed body', method: 'post', path: '/api/v2/nope', raw: '{"a":', status: [400, 404] },
  { name: 'a known path with an unsupported method', method: 'patch', path: '/api/v2/users/me/status/suspend', status: [404, 405] },
];

const credentialCases: Case[] = [
  { name: 'a session token of the wrong format', method: 'get', path: '/api/v2/users/me', auth: 'none', headers: { 'Coder-Session-Token': 'not-a-token' }, status: 401 },
  { name: 'a well-formed but unknown session token', method: 'get', path: '/api/v2/users/me', auth: 'none', headers: { 'Coder-Session-Token': 'aaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbb' }, status: 401 },
  { name: 'a Bearer token of the wrong format', method: 'get', path: '/api/v2/users/me', auth: 'none', headers: { Authorization: 'Bearer %%%' }, status: 401 },
  { name: 'a session cookie with a malformed percent-encoding', method: 'get', path: '/api/v2/users/me', auth: 'none', headers: { Cookie: 'coder_session_token=%E0%A4%A' }, status: 401 },
  { name: 'a session token whose id has a NUL byte (query)', method: 'get', path: '/api/v2/users/me?coder_session_token=aaaaaaaa%00a-bbbbbbbbbbbbbbbbbbbbbb', auth: 'none', status: 401 },
  { name: 'a session token whose id has a NUL byte (cookie)', method: 'get', path: '/api/v2/users/me', auth: 'none', headers: { Cookie: 'coder_session_token=aaaaaaaa%00a-bbbbbbbbbbbbbbbbbbbbbb' }, status: 401 },
  { name: 'a session token with a NUL byte in the query', method: 'get', path: '/api/v2/users/me?coder_session_token=aaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbb%00', auth: 'none', status: 401 },
];

describe('bad input never answers 500', () => {
  let server: TestServer;
  const ctx = {} as Ctx;

  beforeAll(async () => {
    server = await startTestServer();
    ctx.owner = await createFirstUser(server);
    ctx.member = await createUser(server, ctx.owner);
  });
  afterAll(() => server.close());

  async function send(c: Case): Promise<Response> {
    const path = typeof c.path === 'function' ? c.path(ctx) : c.path;
    const client = api(server, c.auth === 'none' ? undefined : ctx.owner.token);
    const req = client[c.method](path);
    for (const [name, value] of Object.entries(c.headers ?? {})) req.set(name, value);
    if (c.raw !== undefined) return req.set('Content-Type', c.contentType ?? 'application/json').send(c.raw as string);
    if (c.json !== undefined) return req.send(c.json as object);
    return req;
  }

  describe.each([
    ['request bodies', bodyShapeCases],
    ['fields', fieldCases],
    ['query parameters', queryCases],
    ['path parameters', pathCases],
    ['unknown routes', routeCases],
    ['credentials', credentialCases],
  ] as const)('%s', (_group, cases) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const res = await send(c);
      expectCoderError(res, c);
    });
  });

  it('unknown routes answer exactly {"message":"Route not found."}', async () => {
    for (const path of ['/api/v2/nope', '/api/v2/users/me/nope/deeper']) {
      const res = await api(server, ctx.owner.token).get(path);
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: ROUTE_NOT_FOUND });
    }
  });

  it('nothing that was refused was created', async () => {
    const res = await api(server, ctx.owner.token).get('/api/v2/users?limit=0');
    expect(res.status).toBe(200);
    const names = (res.body.users as Array<{ username: string }>).map((u) => u.username);
    expect(names.sort()).toEqual([ctx.member.username, ctx.owner.username].sort());
    // The member's profile and roles survived the refused updates.
    const member = await api(server, ctx.owner.token).get(`/api/v2/users/${ctx.member.id}`);
    expect(member.body).toMatchObject({ username: ctx.member.username, name: '', roles: [] });
  });

  it('the server still serves normally after all of that', async () => {
    const res = await api(server, ctx.owner.token).get('/api/v2/users/me');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(ctx.owner.id);
  });
});
