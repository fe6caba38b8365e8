// RBAC matrix for the license routes (reference §1.5 "auth (RBAC inside)", §5; docs/licensing.md): only the
// owner holds license:create/read/delete. Every other role, site-wide or in the organization, is refused with
// 403 and an anonymous caller with 401. Mutating routes also assert, straight from the database, that the
// change happened exactly when the answer was 2xx; each mutating case gets a fresh license of its own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { createFirstUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { createWorld, defineMatrix, runMatrix, type RouteCase, type World as MatrixWorld } from '../../support/rbac-matrix.js';
import { startTestServer } from '../../support/test-server.js';

const ACTORS = ['owner', 'user-admin', 'org-admin', 'org-user-admin', 'auditor', 'member', 'anonymous'] as const;
type Actor = (typeof ACTORS)[number];
type World = MatrixWorld<Actor>;
const matrix = defineMatrix(ACTORS);
const { row } = matrix;

interface Target {
  /** A stored license (DELETE). */
  id?: number;
  /** A license JWT to upload (POST). */
  jwt?: string;
}

/** A license uploaded by the owner, for a DELETE case. */
async function storedLicense(w: World): Promise<Target> {
  const res = await uploadLicense(w.server, w.owner.token, await validLicense({ audit_log: 1 }, { jti: randomUUID() }));
  if (res.status !== 201) throw new Error(`arrange: license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id };
}

const rows = async (w: World, sql: string, params: unknown[]) => (await w.server.sql(sql, params)).length;

//                                                          owner  user-admin org-admin org-user-admin auditor member anonymous
const ROUTES: Array<RouteCase<World, Target, Actor>> = [
  {
    route: 'POST /licenses',
    arrange: async () => ({ jwt: await validLicense({ audit_log: 1 }, { jti: randomUUID() }) }),
    request: (_w, t) => ({ method: 'post', path: '/api/v2/licenses', body: { license: t.jwt } }),
    happened: async (w, t) => (await rows(w, 'SELECT 1 FROM licenses WHERE jwt = $1', [t.jwt])) === 1,
    expect: row('201', '403', '403', '403', '403', '403', '401'),
  },
  {
    route: 'GET /licenses',
    arrange: async () => ({}),
    request: () => ({ method: 'get', path: '/api/v2/licenses' }),
    check: (res, _t, outcome) => {
      if (outcome === '200') expect(res.body.length).toBeGreaterThan(0);
    },
    expect: row('200', '403', '403', '403', '403', '403', '401'),
  },
  {
    route: 'DELETE /licenses/{id}',
    arrange: storedLicense,
    request: (_w, t) => ({ method: 'delete', path: `/api/v2/licenses/${t.id}` }),
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

describe('RBAC: license routes', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
    const owner = await createFirstUser(server);
    w = await createWorld(server, owner, ACTORS);
    // One license stored up front, so that GET has something it could leak.
    await storedLicense(w);
  });
  afterAll(() => w?.server.close());

  runMatrix(matrix, ROUTES, () => w, { title: '%s as %s → %s' });
});
