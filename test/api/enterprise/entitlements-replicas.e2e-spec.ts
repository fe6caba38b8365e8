// Two enterprise replicas on one database (reference §1.1 runEntitlementsLoop; docs/licensing.md "Takes effect
// at once, on every replica"): a license uploaded, deleted or refreshed on one replica changes what the other
// serves within the product's promise of 2 s (PostgreSQL NOTIFY on the "licenses" channel). The only timing
// this file knows is that bound: it polls every 50 ms and fails if the change has not arrived by then.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { api, createFirstUser, createUser, type FirstUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const BOUND_MS = 2000;
const POLL_MS = 50;
const PREMIUM = { message: 'Template RBAC is a Premium feature. Contact sales!' };

/**
 * Reads `observe` until `done` holds or BOUND_MS have passed; returns whether it held and the last
 * observation (so that a failure shows what the replica was still serving).
 */
async function within<T>(observe: () => Promise<T>, done: (v: T) => boolean): Promise<{ ok: boolean; last: T }> {
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    const last = await observe();
    if (done(last)) return { ok: true, last };
    if (Date.now() >= deadline) return { ok: false, last };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

describe('entitlements across replicas', () => {
  let a: TestServer;
  let b: TestServer;
  let owner: FirstUser;
  let licenseId: number;

  const groups = async (s: TestServer) => {
    const res = await api(s, owner.token).get('/api/v2/groups');
    return { status: res.status, body: res.body };
  };
  const entitlements = async (s: TestServer) => (await api(s).get('/api/v2/entitlements')).body;
  const auditorKind = async (s: TestServer) => s.app.get<Auditor>(AUDITOR).kind;

  beforeAll(async () => {
    const env = { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() };
    a = await startTestServer({ env });
    b = await startTestServer({ databaseUrl: a.databaseUrl, env });
    owner = await createFirstUser(a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('the replicas share one database (a session made on A works on B)', async () => {
    const res = await api(b, owner.token).get('/api/v2/users/me');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(owner.id);
  });

  it('before any license both answer 403 on GET /api/v2/groups', async () => {
    expect(await groups(a)).toEqual({ status: 403, body: PREMIUM });
    expect(await groups(b)).toEqual({ status: 403, body: PREMIUM });
    expect((await entitlements(b)).has_license).toBe(false);
    expect(await auditorKind(b)).toBe('nop');
  });

  describe('a license uploaded on A', () => {
    beforeAll(async () => {
      const res = await uploadLicense(a, owner.token, await validLicense({ template_rbac: 1, audit_log: 1, user_limit: 50 }));
      if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
      licenseId = res.body.id;
    });

    it('A serves GET /api/v2/groups at once', async () => {
      expect((await groups(a)).status).toBe(200);
    });

    it(`B serves GET /api/v2/groups with 200 within ${BOUND_MS} ms`, async () => {
      const { ok, last } = await within(() => groups(b), (r) => r.status === 200);
      expect({ ok, last: last.status }).toEqual({ ok: true, last: 200 });
    });

    it(`B's GET /api/v2/entitlements shows has_license true within ${BOUND_MS} ms`, async () => {
      const { ok, last } = await within(() => entitlements(b), (e) => e.has_license === true);
      expect(ok).toBe(true);
      expect(last.features.template_rbac).toMatchObject({ entitlement: 'entitled', enabled: true });
      expect(last.features.user_limit).toMatchObject({ limit: 50, actual: 1 });
    });

    it(`B switches to the real auditor within ${BOUND_MS} ms`, async () => {
      const { ok, last } = await within(() => auditorKind(b), (k) => k === 'database');
      expect({ ok, last }).toEqual({ ok: true, last: 'database' });
    });
  });

  describe('a refresh on A', () => {
    it(`updates user counts on B within ${BOUND_MS} ms`, async () => {
      await createUser(a, owner);
      await createUser(a, owner);
      const res = await api(a, owner.token).post('/api/v2/licenses/refresh-entitlements');
      expect(res.status).toBe(200);
      const { ok, last } = await within(() => entitlements(b), (e) => e.features.user_limit?.actual === 3);
      expect({ ok, actual: last.features.user_limit?.actual }).toEqual({ ok: true, actual: 3 });
    });
  });

  describe('the license deleted on B', () => {
    beforeAll(async () => {
      const res = await api(b, owner.token).delete(`/api/v2/licenses/${licenseId}`);
      if (res.status !== 200) throw new Error(`license delete failed: ${res.status} ${JSON.stringify(res.body)}`);
    });

    it('B answers 403 at once', async () => {
      expect(await groups(b)).toEqual({ status: 403, body: PREMIUM });
    });

    it(`A answers 403 on GET /api/v2/groups within ${BOUND_MS} ms`, async () => {
      const { ok, last } = await within(() => groups(a), (r) => r.status === 403);
      expect({ ok, last }).toEqual({ ok: true, last: { status: 403, body: PREMIUM } });
    });

    it(`A's entitlements show has_license false and A's auditor is the no-op one within ${BOUND_MS} ms`, async () => {
      const e = await within(() => entitlements(a), (v) => v.has_license === false);
      expect(e.ok).toBe(true);
      expect(e.last.features.template_rbac).toMatchObject({ entitlement: 'not_entitled', enabled: false });
      const k = await within(() => auditorKind(a), (v) => v === 'nop');
      expect({ ok: k.ok, last: k.last }).toEqual({ ok: true, last: 'nop' });
    });
  });
});
