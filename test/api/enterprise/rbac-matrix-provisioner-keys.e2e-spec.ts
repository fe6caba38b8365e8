// RBAC matrix for provisioner keys (enterprise, feature external_provisioner_daemons, licensed here).
// A key is a provisioner_daemon object of its organization (as in Coder: "keys == provisioners from a
// RBAC perspective"). organization-member grants provisioner_daemon:read in the organization, so every
// member of it may list the keys and their daemons; creating and deleting need provisioner_daemon
// create/delete there, which owners and org admins have. Outsiders do not see the organization (404).
// Mutations assert from the database that the change happened exactly when the answer was 2xx; each
// DELETE case gets a fresh key of its own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { api, createFirstUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { ALL_ACTORS, createWorld, defineMatrix, runMatrix, type RouteCase, type World as MatrixWorld } from '../../support/rbac-matrix.js';
import { startTestServer } from '../../support/test-server.js';

const matrix = defineMatrix(ALL_ACTORS);
const { row } = matrix;

interface Key {
  name: string;
  /** The secret, shown once at creation. */
  key?: string;
}

interface World extends MatrixWorld {
  /** A key of the default organization, made by the owner up front. */
  shared: Key;
}

let seq = 0;
const keyName = (prefix: string) => `${prefix}-${++seq}-${randomUUID().slice(0, 8)}`;

async function freshKey(w: MatrixWorld, tags: Record<string, string> = {}): Promise<Key> {
  const name = keyName('k');
  const res = await api(w.server, w.owner.token).post(`/api/v2/organizations/${w.defaultOrg}/provisionerkeys`).send({ name, tags });
  if (res.status !== 201) throw new Error(`arrange: create key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { name, key: res.body.key };
}

const keys = (w: World, rest = '') => `/api/v2/organizations/${w.defaultOrg}/provisionerkeys${rest}`;
const stored = async (w: World, k: Key) => (await w.server.sql('SELECT 1 FROM provisioner_keys WHERE organization_id = $1 AND name = $2', [w.defaultOrg, k.name])).length === 1;

//                                                      owner  user-admin org-admin org-user-admin auditor member other-org anonymous
const ROUTES: Array<RouteCase<World, Key>> = [
  {
    // provisioner_daemon:create in the organization: owners and org admins; its members may read
    // the organization, so they are refused with 403.
    route: 'POST /organizations/{org}/provisionerkeys',
    arrange: async () => ({ name: keyName('made') }),
    request: (w, k) => ({ method: 'post', path: keys(w), body: { name: k.name, tags: { matrix: 'yes' } } }),
    happened: stored,
    check: (res, _k, outcome) => {
      if (outcome === '2xx') expect(res.body.key).toMatch(/^[A-Za-z0-9]{43}$/);
    },
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    route: 'GET /organizations/{org}/provisionerkeys',
    arrange: async (w) => w.shared,
    request: (w) => ({ method: 'get', path: keys(w) }),
    contains: (body, k) => (body as Array<{ name: string }>).some((x) => x.name === k.name),
    check: (res, _k, outcome) => {
      // The secret is never listed, not even hashed.
      if (outcome.startsWith('2')) expect(JSON.stringify(res.body)).not.toMatch(/hashed_secret|"key"/);
    },
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '404', '401'),
  },
  {
    route: 'GET /organizations/{org}/provisionerkeys/daemons',
    arrange: async (w) => w.shared,
    request: (w) => ({ method: 'get', path: keys(w, '/daemons') }),
    contains: (body, k) => (body as Array<{ key: { name: string } }>).some((x) => x.key.name === k.name),
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '404', '401'),
  },
  {
    // provisioner_daemon:delete in the organization. Its members can read the key, so 403 for them.
    route: 'DELETE /organizations/{org}/provisionerkeys/{name}',
    arrange: (w) => freshKey(w),
    request: (w, k) => ({ method: 'delete', path: keys(w, `/${k.name}`) }),
    happened: async (w, k) => !(await stored(w, k)),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
];

describe('RBAC matrix: provisioner keys (licensed)', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
    const owner = await createFirstUser(server);
    const res = await uploadLicense(server, owner.token, await validLicense({ external_provisioner_daemons: 1 }));
    if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    const world = await createWorld(server, owner, ALL_ACTORS);
    w = { ...world, shared: await freshKey(world, { region: 'eu' }) };
  });
  afterAll(() => w?.server.close());

  runMatrix(matrix, ROUTES, () => w);
});
