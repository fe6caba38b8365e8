// RBAC matrix for users, organization members and API keys: each (route, actor) pair against the
// status class Coder's rules give (reference §5, libs/rbac/src/roles.ts):
//   - reading something you may not read is 404 (its existence is not revealed);
//   - acting without permission on something you may read is 403;
//   - no session is 401.
// List routes also assert whether the target row is visible; mutating routes also assert, straight
// from the database, that the change happened exactly when the answer was 2xx. Every mutating case
// gets fresh target rows, so cases are independent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from '@jest/globals';
import { PASSWORD, api, createFirstUser, createUser, login } from '../support/fixtures.js';
import { ALL_ACTORS, createWorld, defineMatrix, runMatrix, type RouteCase, type World as MatrixWorld } from '../support/rbac-matrix.js';
import { startTestServer } from '../support/test-server.js';

const matrix = defineMatrix(ALL_ACTORS);
const { row } = matrix;

interface World extends MatrixWorld {
  otherOrg: string;
  /** A plain member of the default org, with one token; only read by the read-only routes. */
  reader: Target;
}

interface Target {
  id: string;
  username: string;
  /** An API key (token) of the target. */
  keyId?: string;
  /** A value the request will write (new username, ...). */
  value?: string;
}

let seq = 0;
const uniqueName = (prefix: string) => `${prefix}${++seq}-${randomUUID().slice(0, 8)}`;

/** A fresh active user created by the owner (no session). */
async function newUser(w: World, orgIds: string[]): Promise<Target> {
  const username = uniqueName('t');
  const res = await api(w.server, w.owner.token)
    .post('/api/v2/users')
    .send({ email: `${username}@example.com`, username, password: PASSWORD, user_status: 'active', organization_ids: orgIds });
  if (res.status !== 201) throw new Error(`arrange: create user failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, username };
}

/** A fresh user of the default org holding a token it created itself. */
async function newUserWithToken(w: World): Promise<Target> {
  const t = await newUser(w, [w.defaultOrg]);
  const session = await login(w.server, `${t.username}@example.com`);
  const res = await api(w.server, session).post('/api/v2/users/me/keys/tokens').send({ token_name: 'matrix' });
  if (res.status !== 201) throw new Error(`arrange: create token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...t, keyId: String(res.body.key).split('-')[0] };
}

const shared = async (w: World) => w.reader;
const org = (w: World, rest = '') => `/api/v2/organizations/${w.defaultOrg}${rest}`;
const one = async (w: World, sql: string, params: unknown[]) => (await w.server.sql(sql, params)).length === 1;
const isMember = (w: World, t: Target) => one(w, 'SELECT 1 FROM organization_members WHERE organization_id = $1 AND user_id = $2', [w.defaultOrg, t.id]);

//                                                     owner   user-admin org-admin org-user-admin auditor member other-org anonymous
const ROUTES: Array<RouteCase<World, Target>> = [
  // ---- users ----
  {
    route: 'GET /users',
    arrange: shared,
    request: () => ({ method: 'get', path: '/api/v2/users' }),
    contains: (body, t) => (body as { users: Array<{ id: string }> }).users.some((u) => u.id === t.id),
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx-', '2xx-', '401'),
  },
  {
    route: 'GET /users/me',
    arrange: shared,
    request: () => ({ method: 'get', path: '/api/v2/users/me' }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '401'),
  },
  {
    route: 'GET /users/{other}',
    arrange: shared,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/users/${t.id}` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '404', '404', '401'),
  },
  {
    // user:create is site-wide: organization roles cannot create users.
    route: 'POST /users',
    arrange: async () => ({ id: '', username: uniqueName('new') }),
    request: (_w, t) => ({
      method: 'post',
      path: '/api/v2/users',
      body: { email: `${t.username}@example.com`, username: t.username, password: PASSWORD },
    }),
    happened: (w, t) => one(w, 'SELECT 1 FROM users WHERE username = $1 AND NOT deleted', [t.username]),
    expect: row('2xx', '2xx', '403', '403', '403', '403', '403', '401'),
  },
  {
    // update_personal on another user: owner and user-admin only.
    route: 'PUT /users/{other}/profile',
    arrange: async (w) => ({ ...(await newUser(w, [w.defaultOrg])), value: uniqueName('renamed') }),
    request: (_w, t) => ({ method: 'put', path: `/api/v2/users/${t.id}/profile`, body: { username: t.value } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM users WHERE id = $1 AND username = $2', [t.id, t.value]),
    expect: row('2xx', '2xx', '403', '403', '403', '404', '404', '401'),
  },
  {
    route: 'PUT /users/{other}/status/suspend',
    arrange: (w) => newUser(w, [w.defaultOrg]),
    request: (_w, t) => ({ method: 'put', path: `/api/v2/users/${t.id}/status/suspend` }),
    happened: (w, t) => one(w, `SELECT 1 FROM users WHERE id = $1 AND status = 'suspended'`, [t.id]),
    expect: row('2xx', '2xx', '403', '403', '403', '404', '404', '401'),
  },
  {
    route: 'DELETE /users/{other}',
    arrange: (w) => newUser(w, [w.defaultOrg]),
    request: (_w, t) => ({ method: 'delete', path: `/api/v2/users/${t.id}` }),
    happened: (w, t) => one(w, 'SELECT 1 FROM users WHERE id = $1 AND deleted', [t.id]),
    expect: row('2xx', '2xx', '403', '403', '403', '404', '404', '401'),
  },
  {
    // Coder's userRoles handler requires read_personal on the user, else 404: site user:read
    // (org-admin, org-user-admin, auditor) is not enough.
    route: 'GET /users/{other}/roles',
    arrange: shared,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/users/${t.id}/roles` }),
    expect: row('2xx', '2xx', '404', '404', '404', '404', '404', '401'),
  },
  {
    // Only the owner may hand out `auditor` (user-admin may assign `member` only).
    route: 'PUT /users/{other}/roles (assign auditor)',
    arrange: (w) => newUser(w, [w.defaultOrg]),
    request: (_w, t) => ({ method: 'put', path: `/api/v2/users/${t.id}/roles`, body: { roles: ['auditor'] } }),
    happened: (w, t) => one(w, `SELECT 1 FROM users WHERE id = $1 AND 'auditor' = ANY(rbac_roles)`, [t.id]),
    expect: row('2xx', '403', '403', '403', '403', '404', '404', '401'),
  },

  // ---- organization members (default organization) ----
  {
    route: 'GET /organizations/{org}/members',
    arrange: shared,
    request: (w) => ({ method: 'get', path: org(w, '/members') }),
    contains: (body, t) => (body as Array<{ user_id: string }>).some((m) => m.user_id === t.id),
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '404', '401'),
  },
  {
    route: 'GET /organizations/{org}/paginated-members',
    arrange: shared,
    request: (w) => ({ method: 'get', path: org(w, '/paginated-members?limit=1000') }),
    contains: (body, t) => (body as { members: Array<{ user_id: string }> }).members.some((m) => m.user_id === t.id),
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '404', '401'),
  },
  {
    // Coder resolves {user} as the system here (httpmw.ExtractOrganizationMemberParam): what is
    // authorized is reading the membership, which every member of the organization may do.
    route: 'GET /organizations/{org}/members/{other}',
    arrange: shared,
    request: (w, t) => ({ method: 'get', path: org(w, `/members/${t.id}`) }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },
  {
    // Adding needs site user:read (to find the user) and organization_member:create.
    route: 'POST /organizations/{org}/members/{user}',
    arrange: (w) => newUser(w, [w.otherOrg]),
    request: (w, t) => ({ method: 'post', path: org(w, `/members/${t.id}`) }),
    happened: (w, t) => isMember(w, t),
    expect: row('2xx', '2xx', '2xx', '2xx', '403', '404', '404', '401'),
  },
  {
    // A member can read the membership (it is in GET members), so removing it is 403, not 404.
    route: 'DELETE /organizations/{org}/members/{other}',
    arrange: (w) => newUser(w, [w.defaultOrg]),
    request: (w, t) => ({ method: 'delete', path: org(w, `/members/${t.id}`) }),
    happened: async (w, t) => !(await isMember(w, t)),
    expect: row('2xx', '2xx', '2xx', '2xx', '403', '403', '404', '401'),
  },
  {
    // organization-auditor is assignable by owner and organization-admin only.
    route: 'PUT /organizations/{org}/members/{other}/roles (assign organization-auditor)',
    arrange: (w) => newUser(w, [w.defaultOrg]),
    request: (w, t) => ({ method: 'put', path: org(w, `/members/${t.id}/roles`), body: { roles: ['organization-auditor'] } }),
    happened: (w, t) =>
      one(w, `SELECT 1 FROM organization_members WHERE organization_id = $1 AND user_id = $2 AND 'organization-auditor' = ANY(roles)`, [w.defaultOrg, t.id]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    route: 'GET /organizations/{org}/members/roles',
    arrange: shared,
    request: (w) => ({ method: 'get', path: org(w, '/members/roles') }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },

  // ---- API keys of another user ----
  {
    // api_key is only ever owned by a user: no site role but owner, and no org role, may create
    // one for someone else. The user is readable to admins and auditors, so they get 403.
    route: 'POST /users/{other}/keys/tokens',
    arrange: (w) => newUser(w, [w.defaultOrg]),
    request: (_w, t) => ({ method: 'post', path: `/api/v2/users/${t.id}/keys/tokens`, body: { token_name: 'by-someone-else' } }),
    happened: (w, t) => one(w, `SELECT 1 FROM api_keys WHERE user_id = $1 AND login_type = 'token'`, [t.id]),
    expect: row('2xx', '403', '403', '403', '403', '404', '404', '401'),
  },
  {
    // The list is filtered: whoever may read the user gets 200, but only the owner sees the token.
    route: 'GET /users/{other}/keys/tokens',
    arrange: shared,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/users/${t.id}/keys/tokens` }),
    contains: (body, t) => (body as Array<{ id: string }>).some((k) => k.id === t.keyId),
    expect: row('2xx+', '2xx-', '2xx-', '2xx-', '2xx-', '404', '404', '401'),
  },
  {
    // Nobody but the owner may read another user's key, so deleting it is 404 for everyone else.
    route: 'DELETE /users/{other}/keys/{id}',
    arrange: (w) => newUserWithToken(w),
    request: (_w, t) => ({ method: 'delete', path: `/api/v2/users/${t.id}/keys/${t.keyId}` }),
    happened: async (w, t) => !(await one(w, 'SELECT 1 FROM api_keys WHERE id = $1', [t.keyId])),
    expect: row('2xx', '404', '404', '404', '404', '404', '404', '401'),
  },
];

describe('RBAC matrix: users, organization members, API keys', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startTestServer();
    const owner = await createFirstUser(server);
    const world = await createWorld(server, owner, ALL_ACTORS);
    // 'a' sorts the reader first, so it is on the first page of any list.
    const reader = await createUser(server, owner, { username: 'areader' });
    const token = await api(server, reader.token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'reader-token' });
    if (token.status !== 201) throw new Error(`reader token failed: ${token.status} ${JSON.stringify(token.body)}`);
    w = {
      ...world,
      otherOrg: world.otherOrg as string,
      reader: { id: reader.id, username: reader.username, keyId: String(token.body.key).split('-')[0] },
    };
  });
  afterAll(() => w?.server.close());

  runMatrix(matrix, ROUTES, () => w);
});
