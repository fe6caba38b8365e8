// RBAC matrix for the license routes (reference §1.5 "auth (RBAC inside)", §5; docs/licensing.md): only the
// owner holds license:create/read/delete. Every other role, site-wide or in the organization, is refused with
// 403 and an anonymous caller with 401. Mutating routes also assert, straight from the database, that the
// change happened exactly when the answer was 2xx; each mutating case gets a fresh license of its own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectErrorBody } from '../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../support/licenses.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ACTORS = ['owner', 'user-admin', 'org-admin', 'org-user-admin', 'auditor', 'member', 'anonymous'] as const;
type Actor = (typeof ACTORS)[number];
type Outcome = '200' | '201' | '401' | '403';

interface World {
  server: TestServer;
  owner: FirstUser;
  actors: Record<Exclude<Actor, 'anonymous'>, TestUser | FirstUser>;
}

interface Target {
  /** A stored license (DELETE). */
  id?: number;
  /** A license JWT to upload (POST). */
  jwt?: string;
}

interface RouteCase {
  route: string;
  arrange(w: World): Promise<Target>;
  request(t: Target): { method: 'get' | 'post' | 'delete'; path: string; body?: object };
  /** Mutations: whether the change is in the database. */
  happened?(w: World, t: Target): Promise<boolean>;
  expect: Record<Actor, Outcome>;
}

function row(...outcomes: [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]): Record<Actor, Outcome> {
  return Object.fromEntries(ACTORS.map((a, i) => [a, outcomes[i]])) as Record<Actor, Outcome>;
}

/** A license uploaded by the owner, for a DELETE case. */
async function storedLicense(w: World): Promise<Target> {
  const res = await uploadLicense(w.server, w.owner.token, await validLicense({ audit_log: 1 }, { jti: randomUUID() }));
  if (res.status !== 201) throw new Error(`arrange: license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id };
}

const rows = async (w: World, sql: string, params: unknown[]) => (await w.server.sql(sql, params)).length;

//                                                          owner  user-admin org-admin org-user-admin auditor member anonymous
const ROUTES: RouteCase[] = [
  {
    route: 'POST /licenses',
    arrange: async () => ({ jwt: await validLicense({ audit_log: 1 }, { jti: randomUUID() }) }),
    request: (t) => ({ method: 'post', path: '/api/v2/licenses', body: { license: t.jwt } }),
    happened: async (w, t) => (await rows(w, 'SELECT 1 FROM licenses WHERE jwt = $1', [t.jwt])) === 1,
    expect: row('201', '403', '403', '403', '403', '403', '401'),
  },
  {
    route: 'GET /licenses',
    arrange: async () => ({}),
    request: () => ({ method: 'get', path: '/api/v2/licenses' }),
    expect: row('200', '403', '403', '403', '403', '403', '401'),
  },
  {
    route: 'DELETE /licenses/{id}',
    arrange: storedLicense,
    request: (t) => ({ method: 'delete', path: `/api/v2/licenses/${t.id}` }),
    happened: async (w, t) => (await rows(w, 'SELECT 1 FROM licenses WHERE id = $1', [t.id])) === 0,
    expect: row('200', '403', '403', '403', '403', '403', '401'),
  },
  {
    // At most once a minute per replica: the owner's is the only call in this file that may succeed.
    route: 'POST /licenses/refresh-entitlements',
    arrange: async () => ({}),
    request: () => ({ method: 'post', path: '/api/v2/licenses/refresh-entitlements' }),
    expect: row('200', '403', '403', '403', '403', '403', '401'),
  },
];

const CASES: Array<[string, Actor, Outcome, RouteCase]> = ROUTES.flatMap((r) =>
  ACTORS.map((a): [string, Actor, Outcome, RouteCase] => [r.route, a, r.expect[a], r]),
);

describe('RBAC: license routes', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
    const owner = await createFirstUser(server);
    w = {
      server,
      owner,
      actors: {
        owner,
        'user-admin': await createUser(server, owner, { siteRoles: ['user-admin'] }),
        'org-admin': await createUser(server, owner, { orgRoles: ['organization-admin'] }),
        'org-user-admin': await createUser(server, owner, { orgRoles: ['organization-user-admin'] }),
        auditor: await createUser(server, owner, { siteRoles: ['auditor'] }),
        member: await createUser(server, owner),
      },
    };
    // One license stored up front, so that GET has something it could leak.
    await storedLicense(w);
  });
  afterAll(() => w?.server.close());

  it('the actors hold the roles the matrix names', async () => {
    const roles = async (who: Exclude<Actor, 'anonymous'>) => {
      const me = await api(w.server, w.actors[who].token).get('/api/v2/users/me');
      expect(me.status).toBe(200);
      const members = await api(w.server, w.owner.token).get(`/api/v2/organizations/${w.owner.orgId}/members/${me.body.id}`);
      expect(members.status).toBe(200);
      return {
        site: me.body.roles.map((r: { name: string }) => r.name).sort(),
        org: members.body.roles.map((r: { name: string }) => r.name).sort(),
      };
    };
    expect(await roles('owner')).toEqual({ site: ['owner'], org: [] });
    expect(await roles('user-admin')).toEqual({ site: ['user-admin'], org: [] });
    expect(await roles('org-admin')).toEqual({ site: [], org: ['organization-admin'] });
    expect(await roles('org-user-admin')).toEqual({ site: [], org: ['organization-user-admin'] });
    expect(await roles('auditor')).toEqual({ site: ['auditor'], org: [] });
    expect(await roles('member')).toEqual({ site: [], org: [] });
  });

  it.each(CASES)('%s as %s → %s', async (_route, actor, outcome, rc) => {
    const target = await rc.arrange(w);
    const { method, path, body } = rc.request(target);
    const token = actor === 'anonymous' ? undefined : w.actors[actor].token;
    let req = api(w.server, token)[method](path);
    if (body) req = req.send(body);
    const res = await req;
    if (outcome === '401' || outcome === '403') expectErrorBody(res, Number(outcome));
    else expect({ status: res.status, body: res.body }).toMatchObject({ status: Number(outcome) });
    if (rc.route === 'GET /licenses' && outcome === '200') expect(res.body.length).toBeGreaterThan(0);
    if (rc.happened) expect(await rc.happened(w, target)).toBe(outcome.startsWith('2'));
  });
});
