// The AGPL server (npm run start:oss): entitlements are public and entitle nothing, the license and licensed
// routes are not mounted at all (404 "Route not found."), and the audit hook is the no-op one (reference §1.1,
// §1.5; docs/licensing.md). A license signed with the test key changes nothing here: the AGPL server has no
// route to upload it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { expectErrorBody } from '../support/error-body.js';
import { api, createFirstUser, type FirstUser } from '../support/fixtures.js';
import { testPublicKeysFile, validLicense } from '../support/licenses.js';
import { expectNothingEntitled } from '../support/entitlements.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ROUTE_NOT_FOUND = { message: 'Route not found.' };

describe('the AGPL server', () => {
  let server: TestServer;
  let owner: FirstUser;

  beforeAll(async () => {
    // Even when told to trust the test key, the AGPL server has no licenses.
    server = await startTestServer({ oss: true, env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
    owner = await createFirstUser(server);
  });
  afterAll(() => server?.close());

  describe('GET /api/v2/entitlements', () => {
    it.each([
      ['anonymous', false],
      ['the owner', true],
    ])('answers %s with has_license false and every feature not_entitled and off', async (_who, withToken) => {
      const res = await api(server, withToken ? owner.token : undefined).get('/api/v2/entitlements');
      expect(res.status).toBe(200);
      expectNothingEntitled(res.body);
      expect(res.body).toMatchObject({ warnings: [], errors: [] });
      expect(Number.isNaN(Date.parse(res.body.refreshed_at))).toBe(false);
    });
  });

  describe('enterprise routes are not mounted', () => {
    // [method, route, path, body]: every row has four entries (with fewer, jest would pass `done` as the body).
    const routes: Array<[string, string, (o: FirstUser) => string, object | null]> = [
      ['POST', '/licenses', () => '/api/v2/licenses', {}],
      ['GET', '/licenses', () => '/api/v2/licenses', null],
      ['DELETE', '/licenses/{id}', () => '/api/v2/licenses/1', null],
      ['POST', '/licenses/refresh-entitlements', () => '/api/v2/licenses/refresh-entitlements', null],
      ['GET', '/groups', () => '/api/v2/groups', null],
      ['GET', '/organizations/{org}/groups', (o) => `/api/v2/organizations/${o.orgId}/groups`, null],
      ['POST', '/organizations/{org}/groups', (o) => `/api/v2/organizations/${o.orgId}/groups`, { name: 'g' }],
    ];

    it.each(routes)('%s %s answers 404 "Route not found." to the owner', async (method, _route, path, body) => {
      let req = api(server, owner.token)[method.toLowerCase() as 'get' | 'post' | 'delete'](path(owner));
      if (body) req = req.send(body);
      const res = await req;
      expectErrorBody(res, 404, 'Route not found.');
      expect(res.body).toEqual(ROUTE_NOT_FOUND);
    });

    it('uploading a valid license is impossible: 404 and nothing stored', async () => {
      const res = await api(server, owner.token).post('/api/v2/licenses').send({ license: await validLicense({ audit_log: 1, template_rbac: 1 }) });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(ROUTE_NOT_FOUND);
      expect(await server.sql('SELECT 1 FROM licenses')).toEqual([]);
      expect((await api(server).get('/api/v2/entitlements')).body.has_license).toBe(false);
    });

    it('anonymous callers get the same 404 for the license routes', async () => {
      const res = await api(server).get('/api/v2/licenses');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(ROUTE_NOT_FOUND);
    });
  });

  it('the auditor is the no-op one', () => {
    expect(server.app.get<Auditor>(AUDITOR).kind).toBe('nop');
  });
});
