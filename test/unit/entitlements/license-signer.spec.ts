// The test license signer (test/support/licenses.ts) and the vendor tool (scripts/license.mjs) produce the
// claims they document, signed with EdDSA under the right kid.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { ENTERPRISE_FEATURES, FEATURE_NAMES, LIMIT_FEATURES, PREMIUM_FEATURES } from '#entitlements/features.js';
import {
  TEST_LICENSE_KID,
  UNKNOWN_LICENSE_KID,
  badSignatureLicense,
  badVersionLicense,
  expiredLicense,
  futureLicense,
  graceLicense,
  missingClaimsLicense,
  missingKidLicense,
  premiumLicense,
  signLicense,
  testPublicKeys,
  testPublicKeysFile,
  trialLicense,
  unknownKidLicense,
  validLicense,
} from '../../support/licenses.js';

const DAY = 86_400;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Verifies the signature only (dates are asserted separately), with the key the JWT's kid names. */
async function verifiesWith(jwt: string, keys: Record<string, JWK>): Promise<boolean> {
  const jwk = keys[decodeProtectedHeader(jwt).kid ?? ''];
  if (!jwk) return false;
  try {
    await jwtVerify(jwt, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'], currentDate: new Date(0), clockTolerance: Number.MAX_SAFE_INTEGER });
    return true;
  } catch {
    return false;
  }
}

describe('test license signer', () => {
  it('validLicense: EdDSA under kid coderd-test, version 3, Coder\'s default account and dates', async () => {
    const jwt = await validLicense({ audit_log: 1, user_limit: 10 });
    const header = decodeProtectedHeader(jwt);
    const claims = decodeJwt(jwt);
    const now = nowSeconds();
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: TEST_LICENSE_KID });
    expect(claims).toMatchObject({
      version: 3,
      account_type: 'salesforce',
      account_id: 'test-account',
      trial: false,
      feature_set: '',
      all_features: false,
      features: { audit_log: 1, user_limit: 10 },
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.iat).toBeGreaterThanOrEqual(now - 61);
    expect(claims.iat).toBeLessThanOrEqual(now - 59);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.license_expires).toBeGreaterThanOrEqual(now + 53 * DAY - 1);
    expect(claims.license_expires).toBeLessThanOrEqual(now + 53 * DAY);
    expect(claims.exp).toBe((claims.license_expires as number) + 7 * DAY);
    expect(claims).not.toHaveProperty('deployment_ids');
    expect(claims).not.toHaveProperty('addons');
    expect(await verifiesWith(jwt, testPublicKeys())).toBe(true);
  });

  it('graceLicense: license_expires passed, exp ahead', async () => {
    const claims = decodeJwt(await graceLicense({ audit_log: 1 }));
    const now = nowSeconds();
    expect(claims.nbf).toBeLessThan(claims.license_expires as number);
    expect(claims.license_expires).toBeLessThan(now);
    expect(claims.exp).toBeGreaterThan(now);
    expect(claims.features).toEqual({ audit_log: 1 });
  });

  it('expiredLicense: exp passed, after license_expires, after nbf', async () => {
    const claims = decodeJwt(await expiredLicense());
    expect(claims.nbf).toBeLessThan(claims.license_expires as number);
    expect(claims.license_expires).toBeLessThan(claims.exp as number);
    expect(claims.exp).toBeLessThan(nowSeconds());
  });

  it('trialLicense sets trial; premiumLicense sets feature_set premium', async () => {
    expect(decodeJwt(await trialLicense({ audit_log: 1 }))).toMatchObject({ trial: true, features: { audit_log: 1 } });
    expect(decodeJwt(await premiumLicense({ user_limit: 5 }))).toMatchObject({ feature_set: 'premium', features: { user_limit: 5 } });
  });

  it('futureLicense: nbf ahead, term and grace after it', async () => {
    const claims = decodeJwt(await futureLicense());
    const now = nowSeconds();
    expect(claims.nbf).toBeGreaterThan(now);
    expect(claims.license_expires).toBeGreaterThan(claims.nbf as number);
    expect(claims.exp).toBeGreaterThan(claims.license_expires as number);
  });

  it('unknownKidLicense names a kid no test server trusts; badSignatureLicense fails under coderd-test', async () => {
    const unknown = await unknownKidLicense();
    expect(decodeProtectedHeader(unknown).kid).toBe(UNKNOWN_LICENSE_KID);
    expect(await verifiesWith(unknown, testPublicKeys())).toBe(false);

    const forged = await badSignatureLicense();
    expect(decodeProtectedHeader(forged).kid).toBe(TEST_LICENSE_KID);
    expect(await verifiesWith(forged, testPublicKeys())).toBe(false);
  });

  it('missingKidLicense has no kid header', async () => {
    expect(decodeProtectedHeader(await missingKidLicense())).toEqual({ alg: 'EdDSA', typ: 'JWT' });
  });

  it('badVersionLicense: version 2 unless told', async () => {
    expect(decodeJwt(await badVersionLicense()).version).toBe(2);
    expect(decodeJwt(await badVersionLicense(4)).version).toBe(4);
  });

  it.each(['iat', 'nbf', 'exp', 'license_expires', 'account_type', 'account_id', 'version'])('missingClaimsLicense(%s) leaves out only that claim', async (claim) => {
    const claims = decodeJwt(await missingClaimsLicense(claim));
    expect(claims).not.toHaveProperty(claim);
    for (const other of ['iat', 'nbf', 'exp', 'license_expires', 'account_type', 'account_id', 'version'].filter((c) => c !== claim)) {
      expect(claims).toHaveProperty(other);
    }
  });

  it('signLicense maps every option to its claim', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const jwt = await signLicense({
      now,
      accountType: 'internal',
      accountId: 'acme',
      deploymentIds: ['d1', 'd2'],
      featureSet: 'enterprise',
      allFeatures: true,
      features: { user_limit: 100 },
      addons: ['ai_governance'],
      requireTelemetry: true,
      publishUsageData: true,
      issuedAt: new Date('2029-12-01T00:00:00Z'),
      notBefore: new Date('2029-12-02T00:00:00Z'),
      graceAt: new Date('2030-12-01T00:00:00Z'),
      expiresAt: new Date('2030-12-31T00:00:00Z'),
      jti: '00000000-0000-4000-8000-000000000001',
      kid: 'other',
      claims: { custom: 'x' },
    });
    expect(decodeProtectedHeader(jwt).kid).toBe('other');
    expect(decodeJwt(jwt)).toEqual({
      jti: '00000000-0000-4000-8000-000000000001',
      iss: 'test@testing.test',
      iat: Date.parse('2029-12-01T00:00:00Z') / 1000,
      nbf: Date.parse('2029-12-02T00:00:00Z') / 1000,
      license_expires: Date.parse('2030-12-01T00:00:00Z') / 1000,
      exp: Date.parse('2030-12-31T00:00:00Z') / 1000,
      account_type: 'internal',
      account_id: 'acme',
      deployment_ids: ['d1', 'd2'],
      trial: false,
      feature_set: 'enterprise',
      all_features: true,
      version: 3,
      features: { user_limit: 100 },
      addons: ['ai_governance'],
      require_telemetry: true,
      publish_usage_data: true,
      custom: 'x',
    });
  });

  it('testPublicKeysFile writes {"coderd-test": <public JWK>} once, without the private part', async () => {
    const file = await testPublicKeysFile();
    expect(await testPublicKeysFile()).toBe(file);
    const keys = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(keys)).toEqual([TEST_LICENSE_KID]);
    expect(keys[TEST_LICENSE_KID]).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String) });
    expect(await verifiesWith(await validLicense(), keys)).toBe(true);
  });
});

describe('scripts/license.mjs', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  let dir: string;
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'scripts/license.mjs'), ...args], { encoding: 'utf8' });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'license-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('knows the same features and feature sets as libs/entitlements', () => {
    const res = run('features', '--json');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.features).toEqual([...FEATURE_NAMES]);
    expect(out.limit_features).toEqual([...LIMIT_FEATURES]);
    expect(out.feature_sets).toEqual({ premium: [...PREMIUM_FEATURES], enterprise: [...ENTERPRISE_FEATURES] });
  });

  it('keygen, sign and inspect --verify round-trip', async () => {
    expect(run('keygen', '--kid', 'cli-test', '--out', dir).status).toBe(0);
    const privateFile = path.join(dir, 'cli-test.private.jwk.json');
    expect((await stat(privateFile)).mode & 0o777).toBe(0o600);
    const keys = JSON.parse(await readFile(path.join(dir, 'cli-test.public.json'), 'utf8'));
    expect(Object.keys(keys)).toEqual(['cli-test']);
    expect(keys['cli-test']).not.toHaveProperty('d');

    const signed = run('sign', '--key', privateFile, '--account-type', 'salesforce', '--account-id', 'acme', '--feature-set', 'premium',
      '--user-limit', '50', '--expires', '2d', '--grace', '1d', '--deployment-ids', 'a,b', '--trial', '--quiet');
    expect(signed.stderr).toBe('');
    expect(signed.status).toBe(0);
    const jwt = signed.stdout.trim();
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'cli-test' });
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({ version: 3, account_type: 'salesforce', account_id: 'acme', feature_set: 'premium', features: { user_limit: 50 }, deployment_ids: ['a', 'b'], trial: true });
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.license_expires).toBe((claims.nbf as number) + 2 * DAY);
    expect(claims.exp).toBe((claims.license_expires as number) + DAY);
    expect(await verifiesWith(jwt, keys)).toBe(true);

    const inspected = run('inspect', jwt, '--verify', path.join(dir, 'cli-test.public.json'));
    expect(inspected.status).toBe(0);
    expect(inspected.stdout).toContain('Signature: valid');
    expect(inspected.stdout).toContain('Status now: active');
  });

  it('rejects an unknown feature with exit code 2 and lists the valid ones', () => {
    const res = run('sign', '--key', 'missing.json', '--account-type', 't', '--account-id', 'a', '--features', 'audit_log=1,teleport=1');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown feature "teleport"');
    for (const f of FEATURE_NAMES) expect(res.stderr).toContain(f);
  });

  it('inspect lists what a server would reject', async () => {
    const res = run('inspect', await missingClaimsLicense(['iat', 'account_id'], { version: 2 }));
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('version is 2; must be 3');
    expect(res.stdout).toContain('iat is missing');
    expect(res.stdout).toContain('account_id is missing or empty');
  });
});
