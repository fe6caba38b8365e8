// RBAC matrix for users, organization members and API keys: each (route, actor) pair against the
// status class Coder's rules give (reference §5, libs/rbac/src/roles.ts):
//   - reading something you may not read is 404 (its existence is not revealed);
//   - acting without permission on something you may read is 403;
//   - no session is 401.
// List routes also assert whether the target row is visible; mutating routes also assert, straight
// from the database, that the change happened exactly when the answer was 2xx. Every mutating case
// gets fresh target rows, so cases are independent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PASSWORD, api, createFirstUser, createUser, login, type FirstUser, type TestUser } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ACTORS = ['owner', 'user-admin', 'org-admin', 'org-user-admin', 'auditor', 'member', 'other-org-member', 'anonymous'] as const;
type Actor = (typeof ACTORS)[number];

/** '2xx+' = 2xx and the target row is in the list; '2xx-' = 2xx and it is not. */
type Outcome = '2xx' | '2xx+' | '2xx-' | '401' | '403' | '404';

interface World {
  server: TestServer;
  owner: FirstUser;
  defaultOrg: string;
  otherOrg: string;
  actors: Record<Exclude<Actor, 'anonymous'>, TestUser | FirstUser>;
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

type Method = 'get' | 'post' | 'put' | 'delete';

interface RouteCase {
  route: string;
  /** The target rows for one case: the shared reader for read-only routes, fresh rows otherwise. */
  arrange(w: World): Promise<Target>;
  request(w: World, t: Target): { method: Method; path: string; body?: object };
  /** Lists: whether the response contains the target. */
  contains?(body: unknown, t: Target): boolean;
  /** Mutations: whether the change is in the database. */
  happened?(w: World, t: Target): Promise<boolean>;
  expect: Record<Actor, Outcome>;
}

/** One matrix row, in ACTORS order. */
function row(...outcomes: [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]): Record<Actor, Outcome> {
  return Object.fromEntries(ACTORS.map((a, i) => [a, outcomes[i]])) as Record<Actor, Outcome>;
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
const ROUTES: RouteCase[] = [
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

const statusClass = (status: number): string => (status >= 200 && status < 300 ? '2xx' : String(status));

describe('RBAC matrix: users, organization members, API keys', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startTestServer();
    const owner = await createFirstUser(server);
    // A second organization, created directly (multiple organizations are an enterprise feature).
    const otherOrg = randomUUID();
    await server.sql(`INSERT INTO organizations (id, name, display_name) VALUES ($1, 'second-org', 'Second Org')`, [otherOrg]);
    await server.sql(`INSERT INTO groups (id, name, organization_id) VALUES ($1, 'Everyone', $1)`, [otherOrg]);
    const actors = {
      owner,
      'user-admin': await createUser(server, owner, { siteRoles: ['user-admin'] }),
      'org-admin': await createUser(server, owner, { orgRoles: ['organization-admin'] }),
      'org-user-admin': await createUser(server, owner, { orgRoles: ['organization-user-admin'] }),
      auditor: await createUser(server, owner, { siteRoles: ['auditor'] }),
      member: await createUser(server, owner),
      'other-org-member': await createUser(server, owner, { organizationIds: [otherOrg] }),
    };
    // 'a' sorts the reader first, so it is on the first page of any list.
    const reader = await createUser(server, owner, { username: 'areader' });
    const token = await api(server, reader.token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'reader-token' });
    if (token.status !== 201) throw new Error(`reader token failed: ${token.status} ${JSON.stringify(token.body)}`);
    w = {
      server,
      owner,
      defaultOrg: owner.orgId,
      otherOrg,
      actors,
      reader: { id: reader.id, username: reader.username, keyId: String(token.body.key).split('-')[0] },
    };
  });
  afterAll(() => w?.server.close());

  describe('the actors are who the matrix says they are', () => {
    const expected: Record<Exclude<Actor, 'anonymous'>, { site: string[]; orgs: Record<'default' | 'other', string[] | null> }> = {
      owner: { site: ['owner'], orgs: { default: [], other: null } },
      'user-admin': { site: ['user-admin'], orgs: { default: [], other: null } },
      'org-admin': { site: [], orgs: { default: ['organization-admin'], other: null } },
      'org-user-admin': { site: [], orgs: { default: ['organization-user-admin'], other: null } },
      auditor: { site: ['auditor'], orgs: { default: [], other: null } },
      member: { site: [], orgs: { default: [], other: null } },
      'other-org-member': { site: [], orgs: { default: null, other: [] } },
    };
    it.each(Object.keys(expected) as Array<keyof typeof expected>)('%s', async (name) => {
      const user = w.actors[name];
      const [u] = await w.server.sql<{ rbac_roles: string[] }>('SELECT rbac_roles FROM users WHERE id = $1', [user.id]);
      const memberships = await w.server.sql<{ organization_id: string; roles: string[] }>(
        'SELECT organization_id, roles FROM organization_members WHERE user_id = $1',
        [user.id],
      );
      const rolesIn = (orgId: string) => memberships.find((m) => m.organization_id === orgId)?.roles ?? null;
      expect({ site: u.rbac_roles, orgs: { default: rolesIn(w.defaultOrg), other: rolesIn(w.otherOrg) } }).toEqual(expected[name]);
      expect(memberships).toHaveLength(1);
    });
  });

  it('the table is well-formed: list routes state visibility for every 2xx, other routes never do', () => {
    const wrong = ROUTES.flatMap((r) =>
      ACTORS.filter((a) => (r.contains ? r.expect[a] === '2xx' : r.expect[a] === '2xx+' || r.expect[a] === '2xx-')).map((a) => `${r.route} / ${a}`),
    );
    expect(wrong).toEqual([]);
    expect(new Set(ROUTES.map((r) => r.route)).size).toBe(ROUTES.length);
  });

  const cases = ROUTES.flatMap((r) => ACTORS.map((actor) => [r.route, actor, r.expect[actor], r] as const));

  it.each(cases)('%s as %s -> %s', async (_route, actor, outcome, r) => {
    const target = await r.arrange(w);
    const { method, path, body } = r.request(w, target);
    const token = actor === 'anonymous' ? undefined : w.actors[actor].token;
    let req = api(w.server, token)[method](path);
    if (body) req = req.send(body);
    const res = await req;

    const want = outcome.startsWith('2xx') ? '2xx' : outcome;
    // The body is part of the received value so that a failure shows what the server said.
    expect({ status: statusClass(res.status), body: res.body }).toMatchObject({ status: want });

    if (want === '2xx') {
      if (r.contains) expect(r.contains(res.body, target)).toBe(outcome === '2xx+');
    } else {
      // Coder's error body.
      expect(typeof res.body.message).toBe('string');
      expect(res.body.message.length).toBeGreaterThan(0);
      if (want === '401') expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    }
    if (r.happened) expect(await r.happened(w, target)).toBe(want === '2xx');
  });
});
