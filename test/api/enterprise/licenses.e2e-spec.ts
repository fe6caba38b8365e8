// Licenses and entitlements on the enterprise server (reference §1.1, §1.5, §2 License/Entitlements, §3;
// docs/licensing.md): upload, list, delete and refresh; GET /entitlements before and after licenses; warnings
// and the X-Coder-Entitlements-Warning header; the licensed-route gate and the audit swap following licenses
// without a restart. Every describe block has a server (and database) of its own, so the entitlements one
// block computes never depend on licenses another block uploaded.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import type { Response } from 'supertest';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import {
  badSignatureLicense,
  badVersionLicense,
  expiredLicense,
  futureLicense,
  graceLicense,
  licenseClaims,
  missingClaimsLicense,
  missingKidLicense,
  signLicense,
  testPublicKeysFile,
  trialLicense,
  unknownKidLicense,
  uploadLicense,
  validLicense,
  TEST_LICENSE_KID,
} from '../../support/licenses.js';
import type { Entitlements } from '#entitlements/types.js';
import { ENTITLEMENTS_KEYS, expectNothingEntitled } from '../../support/entitlements.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const DAY = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WARNING_HEADER = 'x-coder-entitlements-warning';
const TEMPLATE_RBAC_PREMIUM = { message: 'Template RBAC is a Premium feature. Contact sales!' };

const LICENSE_KEYS = ['claims', 'id', 'uploaded_at', 'uuid'];

interface LicenseBody {
  id: number;
  uuid: string;
  uploaded_at: string;
  claims: Record<string, unknown>;
}

async function startEnterprise(): Promise<TestServer> {
  return startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
}

/** The JWT payload exactly as signed (the server must hand it back verbatim). */
function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

async function upload(server: TestServer, owner: FirstUser, jwt: string): Promise<LicenseBody> {
  const res = await uploadLicense(server, owner.token, jwt);
  if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function entitlements(server: TestServer): Promise<Entitlements> {
  const res = await api(server).get('/api/v2/entitlements');
  expect(res.status).toBe(200);
  return res.body;
}

async function licenseRows(server: TestServer): Promise<number> {
  const [row] = await server.sql<{ n: number }>('SELECT count(*)::int AS n FROM licenses');
  return row.n;
}

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value as object).flatMap(strings);
}

/** The header's values one by one, as sent (Node would join repeated headers with ", "). */
function warningHeaderValues(res: Response): string[] {
  const raw = (res as unknown as { res: IncomingMessage }).res.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === WARNING_HEADER) out.push(raw[i + 1]);
  return out;
}

const auditorKind = (server: TestServer) => server.app.get<Auditor>(AUDITOR).kind;


describe('POST and GET /api/v2/licenses', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let userAdmin: TestUser;
  let auditor: TestUser;
  /** Every license this block uploaded successfully, in upload order, with its JWT. */
  const uploaded: Array<{ body: LicenseBody; jwt: string }> = [];

  beforeAll(async () => {
    server = await startEnterprise();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    userAdmin = await createUser(server, owner, { siteRoles: ['user-admin'] });
    auditor = await createUser(server, owner, { siteRoles: ['auditor'] });
  });
  afterAll(() => server?.close());

  describe('a valid license', () => {
    it('answers 201 with {id, uuid, uploaded_at, claims}, the claims exactly as signed and the uuid from jti', async () => {
      const jti = randomUUID();
      const jwt = await validLicense(
        { audit_log: 1, user_limit: 2147483647 },
        // Extra claims the server knows nothing about, with numbers a lossy round-trip would change.
        { jti, claims: { big_number: 4102444800123, fraction: 0.125, negative: -7, nested: { n: 1e21, list: [1, 2.5] } } },
      );
      const before = Date.now();
      const res = await uploadLicense(server, owner.token, jwt);
      const after = Date.now();
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
      expect(Object.keys(res.body).sort()).toEqual(LICENSE_KEYS);
      expect(Number.isInteger(res.body.id)).toBe(true);
      expect(res.body.id).toBeGreaterThan(0);
      expect(res.body.uuid).toBe(jti);
      expect(res.body.claims).toEqual(payloadOf(jwt));
      expect(res.body.claims.big_number).toBe(4102444800123);
      expect(res.body.claims.fraction).toBe(0.125);
      expect((res.body.claims.features as Record<string, number>).user_limit).toBe(2147483647);
      const uploadedAt = Date.parse(res.body.uploaded_at);
      expect(Number.isNaN(uploadedAt)).toBe(false);
      // The database clock and this process's clock are the same machine's; allow for rounding only.
      expect(uploadedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(uploadedAt).toBeLessThanOrEqual(after + 1000);
      expect(strings(res.body).some((s) => s.includes(jwt) || s.includes(jwt.split('.')[2]))).toBe(false);
      expect(await licenseRows(server)).toBe(1);
      uploaded.push({ body: res.body, jwt });
    });

    it('gets a random uuid when the license has no jti', async () => {
      const jwt = await signLicense({ omit: ['jti'], features: { template_rbac: 1 } });
      const res = await uploadLicense(server, owner.token, jwt);
      expect(res.status).toBe(201);
      expect(res.body.uuid).toMatch(UUID);
      expect(res.body.claims).toEqual(payloadOf(jwt));
      expect(res.body.claims).not.toHaveProperty('jti');
      expect(res.body.id).toBeGreaterThan(uploaded[0].body.id);
      uploaded.push({ body: res.body, jwt });
    });

    it('refuses the same JWT a second time with 409, storing nothing', async () => {
      const rows = await licenseRows(server);
      const res = await uploadLicense(server, owner.token, uploaded[0].jwt);
      expectErrorBody(res, 409, 'This license has already been added.');
      expect(await licenseRows(server)).toBe(rows);
    });
  });

  describe('deployment_ids', () => {
    let deploymentId: string;

    beforeAll(async () => {
      const res = await api(server).get('/api/v2/buildinfo');
      expect(res.status).toBe(200);
      deploymentId = res.body.deployment_id;
      expect(deploymentId).toMatch(UUID);
    });

    it('a license locked to other deployments answers 400 "License cannot be used on this deployment!"', async () => {
      const rows = await licenseRows(server);
      const res = await uploadLicense(server, owner.token, await validLicense({ audit_log: 1 }, { deploymentIds: [randomUUID(), randomUUID()] }));
      expectErrorBody(res, 400, 'License cannot be used on this deployment!');
      expect(await licenseRows(server)).toBe(rows);
    });

    it('a license listing this deployment among others is accepted', async () => {
      const jwt = await validLicense({ audit_log: 1 }, { deploymentIds: [randomUUID(), deploymentId] });
      const res = await uploadLicense(server, owner.token, jwt);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
      expect(res.body.claims.deployment_ids).toEqual(payloadOf(jwt).deployment_ids);
      uploaded.push({ body: res.body, jwt });
    });
  });

  describe('an invalid license answers 400 "Invalid license" with a detail, and stores nothing', () => {
    const now = () => new Date();
    // [case, license, what the detail must mention]
    const cases: Array<[string, () => Promise<string>, RegExp]> = [
      ['a garbage string', async () => 'this is not a license', /jwt|token|part|malformed|invalid/i],
      ['three dot-separated garbage parts', async () => 'abc.def.ghi', /jwt|token|header|malformed|invalid/i],
      ['an unknown kid', () => unknownKidLicense({ audit_log: 1 }), /kid|key/i],
      ['no kid in the header', () => missingKidLicense({ audit_log: 1 }), /kid|key/i],
      ['a bad signature', () => badSignatureLicense({ audit_log: 1 }), /signature|verif/i],
      [
        'an HS256 signature (EdDSA only)',
        () =>
          new SignJWT(licenseClaims({ features: { audit_log: 1 } }))
            .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: TEST_LICENSE_KID })
            .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!')),
        /alg|EdDSA|signing method|signature/i,
      ],
      ['version 2', () => badVersionLicense(2), /version/i],
      ['version 4', () => badVersionLicense(4), /version/i],
      ['no iat', () => missingClaimsLicense('iat'), /iat|issued/i],
      ['no nbf', () => missingClaimsLicense('nbf'), /nbf|not before/i],
      ['no exp', () => missingClaimsLicense('exp'), /exp/i],
      ['no license_expires', () => missingClaimsLicense('license_expires'), /license_expires|expires/i],
      ['no account_type', () => missingClaimsLicense('account_type'), /account.?type/i],
      ['an empty account_type', () => signLicense({ accountType: '' }), /account.?type/i],
      ['no account_id', () => missingClaimsLicense('account_id'), /account.?id/i],
      ['an empty account_id', () => signLicense({ accountId: '' }), /account.?id/i],
      [
        'license_expires more than 5 years away',
        () => signLicense({ graceAt: new Date(now().getTime() + 6 * 365 * DAY), expiresAt: new Date(now().getTime() + 6 * 365 * DAY + DAY) }),
        /license_expires|expires|absurd|year/i,
      ],
      ['an expired license (exp passed)', () => expiredLicense({ audit_log: 1 }), /expired/i],
    ];

    it.each(cases)('%s', async (_name, make, detail) => {
      const rows = await licenseRows(server);
      const res = await uploadLicense(server, owner.token, await make());
      expectErrorBody(res, 400, 'Invalid license');
      expect(typeof res.body.detail).toBe('string');
      expect(res.body.detail).toMatch(detail);
      expect(await licenseRows(server)).toBe(rows);
    });
  });

  describe('the request body', () => {
    const bodies: Array<[string, object]> = [
      ['no license field', {}],
      ['an empty license', { license: '' }],
      ['a license that is not a string', { license: 42 }],
    ];

    it.each(bodies)('%s answers 400 with a validation on "license"', async (_name, body) => {
      const rows = await licenseRows(server);
      const res = await api(server, owner.token).post('/api/v2/licenses').send(body);
      expectErrorBody(res, 400, /^Validation failed/);
      expect(res.body.validations).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'license' })]));
      expect(await licenseRows(server)).toBe(rows);
    });
  });

  describe('who may upload', () => {
    const others: Array<[string, () => TestUser]> = [
      ['member', () => member],
      ['user-admin', () => userAdmin],
      ['auditor', () => auditor],
    ];

    it.each(others)('%s gets 403 and nothing is stored', async (_name, who) => {
      const rows = await licenseRows(server);
      const res = await uploadLicense(server, who().token, await validLicense({ audit_log: 1 }));
      expectErrorBody(res, 403);
      expect(await licenseRows(server)).toBe(rows);
    });

    it('a non-owner is refused before the body is read (Coder authorizes first)', async () => {
      const res = await api(server, member.token).post('/api/v2/licenses').send({});
      expectErrorBody(res, 403);
    });

    it('anonymous callers get 401 and nothing is stored', async () => {
      const rows = await licenseRows(server);
      const res = await api(server).post('/api/v2/licenses').send({ license: await validLicense({ audit_log: 1 }) });
      expectErrorBody(res, 401);
      expect(await licenseRows(server)).toBe(rows);
    });
  });

  describe('GET /api/v2/licenses', () => {
    it('lists every uploaded license in upload order, as the upload answered it', async () => {
      const res = await api(server, owner.token).get('/api/v2/licenses');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body).toEqual(uploaded.map((u) => u.body));
      for (const l of res.body as LicenseBody[]) expect(Object.keys(l).sort()).toEqual(LICENSE_KEYS);
    });

    it('never returns a JWT (nor its signature) in any value', async () => {
      const res = await api(server, owner.token).get('/api/v2/licenses');
      expect(res.status).toBe(200);
      expect(uploaded.length).toBeGreaterThanOrEqual(3);
      const values = strings(res.body);
      for (const { jwt } of uploaded) {
        const [header, , signature] = jwt.split('.');
        expect(values.filter((s) => s.includes(jwt) || s.includes(signature) || s.includes(`${header}.`))).toEqual([]);
      }
      expect(res.text.includes(uploaded[0].jwt.split('.')[2])).toBe(false);
    });

    const others: Array<[string, () => TestUser]> = [
      ['member', () => member],
      ['user-admin', () => userAdmin],
      ['auditor', () => auditor],
    ];
    it.each(others)('%s gets 403', async (_name, who) => {
      const res = await api(server, who().token).get('/api/v2/licenses');
      expectErrorBody(res, 403);
    });

    it('anonymous callers get 401', async () => {
      expectErrorBody(await api(server).get('/api/v2/licenses'), 401);
    });
  });
});

describe('a future-dated license (nbf ahead)', () => {
  let server: TestServer;
  let owner: FirstUser;
  let jwt: string;

  beforeAll(async () => {
    server = await startEnterprise();
    owner = await createFirstUser(server);
    jwt = await futureLicense({ template_rbac: 1, audit_log: 1 });
  });
  afterAll(() => server?.close());

  it('is accepted with 201 and listed', async () => {
    const res = await uploadLicense(server, owner.token, jwt);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    expect(res.body.claims).toEqual(payloadOf(jwt));
    const list = await api(server, owner.token).get('/api/v2/licenses');
    expect(list.status).toBe(200);
    expect(list.body.map((l: LicenseBody) => l.id)).toEqual([res.body.id]);
  });

  it('entitles nothing yet', async () => {
    const e = await entitlements(server);
    expectNothingEntitled(e);
    expect((await api(server, owner.token).get('/api/v2/groups')).body).toEqual(TEMPLATE_RBAC_PREMIUM);
    expect(auditorKind(server)).toBe('nop');
  });
});

describe('licenses switch features on and off at once', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let license: LicenseBody;
  const USER_LIMIT = 25;

  beforeAll(async () => {
    server = await startEnterprise();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    await createUser(server, owner);
    const suspended = await createUser(server, owner);
    const res = await api(server, owner.token).put(`/api/v2/users/${suspended.id}/status/suspend`);
    if (res.status !== 200) throw new Error(`suspend failed: ${res.status} ${JSON.stringify(res.body)}`);
  });
  afterAll(() => server?.close());

  describe('before any license', () => {
    it('GET /api/v2/entitlements (no session) has has_license false and every feature not_entitled and off', async () => {
      const res = await api(server).get('/api/v2/entitlements');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(ENTITLEMENTS_KEYS);
      expectNothingEntitled(res.body);
      expect(res.body).toMatchObject({ trial: false, require_telemetry: false, warnings: [], errors: [] });
      expect(Number.isNaN(Date.parse(res.body.refreshed_at))).toBe(false);
    });

    it('GET /api/v2/licenses is an empty array', async () => {
      const res = await api(server, owner.token).get('/api/v2/licenses');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('GET /api/v2/groups answers 403 "Template RBAC is a Premium feature. Contact sales!"', async () => {
      const res = await api(server, owner.token).get('/api/v2/groups');
      expectErrorBody(res, 403);
      expect(res.body).toEqual(TEMPLATE_RBAC_PREMIUM);
    });

    it('the auditor is the no-op one', () => {
      expect(auditorKind(server)).toBe('nop');
    });

    it('no response carries the warning header (there are no warnings)', async () => {
      const res = await api(server, owner.token).get('/api/v2/users/me');
      expect(res.status).toBe(200);
      expect(warningHeaderValues(res)).toEqual([]);
    });
  });

  describe('after uploading {audit_log, template_rbac, user_limit}', () => {
    beforeAll(async () => {
      license = await upload(server, owner, await validLicense({ audit_log: 1, template_rbac: 1, user_limit: USER_LIMIT }));
    });

    it('the entitlements show the features entitled and enabled, and user_limit counts active users', async () => {
      const e = await entitlements(server);
      expect(e.has_license).toBe(true);
      expect(e.trial).toBe(false);
      expect(e.features.audit_log).toMatchObject({ entitlement: 'entitled', enabled: true });
      expect(e.features.template_rbac).toMatchObject({ entitlement: 'entitled', enabled: true });
      // owner + member + one more; the suspended user does not count.
      expect(e.features.user_limit).toMatchObject({ entitlement: 'entitled', enabled: true, limit: USER_LIMIT, actual: 3 });
      // Features the license does not grant stay off.
      for (const name of ['multiple_organizations', 'custom_roles', 'scim', 'connection_log', 'aibridge'] as const) {
        expect({ name, ...e.features[name] }).toMatchObject({ name, entitlement: 'not_entitled', enabled: false });
      }
    });

    it('GET /api/v2/groups answers 200 right away, without a restart', async () => {
      const res = await api(server, owner.token).get('/api/v2/groups');
      expect(res.status).toBe(200);
      expect(res.body.map((g: { id: string }) => g.id)).toContain(owner.orgId);
    });

    it('the auditor is the real (log) one', () => {
      expect(auditorKind(server)).toBe('database');
    });
  });

  describe('DELETE /api/v2/licenses/{id}', () => {
    it('a member gets 403 and the license stays', async () => {
      const res = await api(server, member.token).delete(`/api/v2/licenses/${license.id}`);
      expectErrorBody(res, 403);
      expect(await licenseRows(server)).toBe(1);
      expect((await entitlements(server)).features.template_rbac.entitlement).toBe('entitled');
    });

    it('anonymous callers get 401 and the license stays', async () => {
      expectErrorBody(await api(server).delete(`/api/v2/licenses/${license.id}`), 401);
      expect(await licenseRows(server)).toBe(1);
    });

    it.each([
      ['an unknown id', () => String(license.id + 1000)],
      ['a non-numeric id', () => 'abc'],
      ['a fractional id', () => '1.5'],
      ['a negative id', () => '-1'],
      ['an id beyond int32', () => '2147483648'],
    ])('%s answers 404 and deletes nothing', async (_name, id) => {
      const res = await api(server, owner.token).delete(`/api/v2/licenses/${id()}`);
      expectErrorBody(res, 404);
      expect(await licenseRows(server)).toBe(1);
    });

    it('the owner deletes it: 200 with an empty body', async () => {
      const res = await api(server, owner.token).delete(`/api/v2/licenses/${license.id}`);
      expect(res.status).toBe(200);
      expect(res.text === '' || res.text === undefined).toBe(true);
      expect(await licenseRows(server)).toBe(0);
      expect((await api(server, owner.token).get('/api/v2/licenses')).body).toEqual([]);
    });

    it('the features are no longer entitled', async () => {
      const e = await entitlements(server);
      expectNothingEntitled(e);
      expect(e.warnings).toEqual([]);
    });

    it('GET /api/v2/groups answers 403 again', async () => {
      const res = await api(server, owner.token).get('/api/v2/groups');
      expect(res.status).toBe(403);
      expect(res.body).toEqual(TEMPLATE_RBAC_PREMIUM);
    });

    it('the auditor is the no-op one again', () => {
      expect(auditorKind(server)).toBe('nop');
    });

    it('deleting it again answers 404', async () => {
      expectErrorBody(await api(server, owner.token).delete(`/api/v2/licenses/${license.id}`), 404);
    });

    it('a new license brings the features back at once', async () => {
      await upload(server, owner, await validLicense({ template_rbac: 1 }));
      expect((await api(server, owner.token).get('/api/v2/groups')).status).toBe(200);
      expect((await entitlements(server)).features.template_rbac).toMatchObject({ entitlement: 'entitled', enabled: true });
      expect(auditorKind(server)).toBe('nop');
    });
  });
});

describe('POST /api/v2/licenses/refresh-entitlements', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startEnterprise();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    await upload(server, owner, await validLicense({ user_limit: 10 }));
  });
  afterAll(() => server?.close());

  it('the owner gets 200 and the entitlements are recomputed (new users are counted)', async () => {
    expect((await entitlements(server)).features.user_limit).toMatchObject({ limit: 10, actual: 2 });
    await createUser(server, owner);
    await createUser(server, owner);
    const res = await api(server, owner.token).post('/api/v2/licenses/refresh-entitlements');
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { message: expect.any(String) } });
    expect((await entitlements(server)).features.user_limit).toMatchObject({ entitlement: 'entitled', limit: 10, actual: 4 });
  });

  it('called again at once: 429 with Retry-After in whole seconds (at most a minute)', async () => {
    const res = await api(server, owner.token).post('/api/v2/licenses/refresh-entitlements');
    expectErrorBody(res, 429);
    const retryAfter = res.headers['retry-after'];
    expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  });

  it('a member gets 403 (not 429: permission comes first)', async () => {
    expectErrorBody(await api(server, member.token).post('/api/v2/licenses/refresh-entitlements'), 403);
  });

  it('anonymous callers get 401', async () => {
    expectErrorBody(await api(server).post('/api/v2/licenses/refresh-entitlements'), 401);
  });
});

describe('stored licenses that do not verify', () => {
  let server: TestServer;
  let owner: FirstUser;
  const badUuid = randomUUID();
  const expiredUuid = randomUUID();
  let badJwt: string;
  let expiredJwt: string;

  beforeAll(async () => {
    server = await startEnterprise();
    owner = await createFirstUser(server);
    await upload(server, owner, await validLicense({ template_rbac: 1 }));
    // Rows the API would refuse, as left behind by a key rotation or by time passing.
    badJwt = await unknownKidLicense({ audit_log: 1 });
    expiredJwt = await expiredLicense({ audit_log: 1 });
    await server.sql(`INSERT INTO licenses (jwt, exp, uuid) VALUES ($1, now() + interval '30 days', $2)`, [badJwt, badUuid]);
    await server.sql(`INSERT INTO licenses (jwt, exp, uuid) VALUES ($1, $2, $3)`, [expiredJwt, new Date(Number(payloadOf(expiredJwt).exp) * 1000), expiredUuid]);
    const res = await api(server, owner.token).post('/api/v2/licenses/refresh-entitlements');
    if (res.status !== 200) throw new Error(`refresh failed: ${res.status} ${JSON.stringify(res.body)}`);
  });
  afterAll(() => server?.close());

  it('GET /api/v2/licenses still lists them with their claims (including the expired one)', async () => {
    const res = await api(server, owner.token).get('/api/v2/licenses');
    expect(res.status).toBe(200);
    const byUuid = new Map((res.body as LicenseBody[]).map((l) => [l.uuid, l]));
    expect(byUuid.get(badUuid)?.claims).toEqual(payloadOf(badJwt));
    expect(byUuid.get(expiredUuid)?.claims).toEqual(payloadOf(expiredJwt));
    expect(res.body).toHaveLength(3);
    expect(res.text.includes(badJwt.split('.')[2])).toBe(false);
  });

  it('an unverifiable license adds "Invalid license (<uuid>) parsing claims: ..." and the others still count', async () => {
    const e = await entitlements(server);
    expect(e.errors.filter((m) => m.startsWith(`Invalid license (${badUuid}) parsing claims: `))).toHaveLength(1);
    expect(e.errors.some((m) => m.includes(expiredUuid))).toBe(false);
    expect(e.has_license).toBe(true);
    expect(e.features.template_rbac).toMatchObject({ entitlement: 'entitled', enabled: true });
    expect(e.features.audit_log).toMatchObject({ entitlement: 'not_entitled', enabled: false });
  });
});

describe('entitlement states and warnings', () => {
  describe('a trial license', () => {
    let server: TestServer;
    let owner: FirstUser;
    beforeAll(async () => {
      server = await startEnterprise();
      owner = await createFirstUser(server);
      await upload(server, owner, await trialLicense({ audit_log: 1 }));
    });
    afterAll(() => server?.close());

    it('sets trial true', async () => {
      const e = await entitlements(server);
      expect(e).toMatchObject({ has_license: true, trial: true });
      expect(e.features.audit_log).toMatchObject({ entitlement: 'entitled', enabled: true });
    });
  });

  describe('a license in its grace period', () => {
    let server: TestServer;
    let owner: FirstUser;
    beforeAll(async () => {
      server = await startEnterprise();
      owner = await createFirstUser(server);
      await upload(server, owner, await graceLicense({ audit_log: 1, template_rbac: 1 }));
    });
    afterAll(() => server?.close());

    it('puts its features in grace_period, still enabled, with a warning each', async () => {
      const e = await entitlements(server);
      expect(e.has_license).toBe(true);
      expect(e.features.audit_log).toMatchObject({ entitlement: 'grace_period', enabled: true });
      expect(e.features.template_rbac).toMatchObject({ entitlement: 'grace_period', enabled: true });
      expect(e.warnings).toEqual(
        expect.arrayContaining([
          'Audit Log is enabled but your license for this feature is expired.',
          'Template RBAC is enabled but your license for this feature is expired.',
        ]),
      );
    });

    it('the features still work in the grace period', async () => {
      expect((await api(server, owner.token).get('/api/v2/groups')).status).toBe(200);
      expect(auditorKind(server)).toBe('database');
    });
  });

  describe('a license whose term ends in 10 days', () => {
    let server: TestServer;
    let owner: FirstUser;
    let member: TestUser;
    let userAdmin: TestUser;
    let auditor: TestUser;
    const EXPIRY = 'Your license expires in 10 days.';

    beforeAll(async () => {
      server = await startEnterprise();
      owner = await createFirstUser(server);
      member = await createUser(server, owner);
      userAdmin = await createUser(server, owner, { siteRoles: ['user-admin'] });
      auditor = await createUser(server, owner, { siteRoles: ['auditor'] });
      const now = Date.now();
      await upload(server, owner, await validLicense({ audit_log: 1 }, { graceAt: new Date(now + 10 * DAY), expiresAt: new Date(now + 17 * DAY) }));
    });
    afterAll(() => server?.close());

    it(`warns "${EXPIRY}"`, async () => {
      const e = await entitlements(server);
      expect(e.features.audit_log).toMatchObject({ entitlement: 'entitled', enabled: true });
      expect(e.warnings).toContain(EXPIRY);
      expect(e.warnings.filter((w) => /^Your license expires in/.test(w))).toEqual([EXPIRY]);
    });

    it('the owner sees every warning in X-Coder-Entitlements-Warning, one value per warning', async () => {
      const { warnings } = await entitlements(server);
      const res = await api(server, owner.token).get('/api/v2/users/me');
      expect(res.status).toBe(200);
      expect(warningHeaderValues(res)).toEqual(warnings);
      expect(warningHeaderValues(res)).toContain(EXPIRY);
    });

    it('an auditor (who may read the deployment config) sees the header too', async () => {
      const res = await api(server, auditor.token).get('/api/v2/users/me');
      expect(res.status).toBe(200);
      expect(warningHeaderValues(res)).toContain(EXPIRY);
    });

    it.each([
      ['a plain member', () => member],
      ['a user-admin', () => userAdmin],
    ])('%s never gets the header', async (_name, who) => {
      const res = await api(server, who().token).get('/api/v2/users/me');
      expect(res.status).toBe(200);
      expect(warningHeaderValues(res)).toEqual([]);
      expect(res.headers[WARNING_HEADER]).toBeUndefined();
    });

    it('anonymous callers never get the header', async () => {
      const res = await api(server).get('/api/v2/buildinfo');
      expect(res.status).toBe(200);
      expect(res.headers[WARNING_HEADER]).toBeUndefined();
    });
  });

  describe('more active users than user_limit', () => {
    let server: TestServer;
    let owner: FirstUser;
    let member: TestUser;
    const OVER = 'Your deployment has 2 active users but is only licensed for 1.';

    beforeAll(async () => {
      server = await startEnterprise();
      owner = await createFirstUser(server);
      member = await createUser(server, owner);
      await upload(server, owner, await validLicense({ user_limit: 1, audit_log: 1 }));
    });
    afterAll(() => server?.close());

    it(`reports limit 1, actual 2 and warns "${OVER}"`, async () => {
      const e = await entitlements(server);
      expect(e.features.user_limit).toMatchObject({ limit: 1, actual: 2 });
      expect(e.features.user_limit.entitlement).not.toBe('not_entitled');
      expect(e.warnings).toContain(OVER);
    });

    it('limits are soft: another user can still be created and log in', async () => {
      const extra = await createUser(server, owner);
      expect((await api(server, extra.token).get('/api/v2/users/me')).status).toBe(200);
    });

    it('the header is on every authenticated response to the owner, also a licensed route\'s 403', async () => {
      // Coder writes it right after authentication (PostAuthAdditionalHeadersFunc), before any feature gate.
      const res = await api(server, owner.token).get('/api/v2/groups');
      expect(res.status).toBe(403);
      expect(res.body).toEqual(TEMPLATE_RBAC_PREMIUM);
      expect(warningHeaderValues(res)).toContain(OVER);
    });

    it('the owner gets the warning in the header, a member does not', async () => {
      const mine = await api(server, owner.token).get('/api/v2/users/me');
      expect(warningHeaderValues(mine)).toContain(OVER);
      const theirs = await api(server, member.token).get('/api/v2/users/me');
      expect(theirs.status).toBe(200);
      expect(warningHeaderValues(theirs)).toEqual([]);
    });
  });
});
