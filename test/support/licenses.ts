// Test-only license signing, modelled on Coder's coderdenttest.LicenseOptions / GenerateLicense.
//
// TEST KEY: test/support/license-test-key.json holds an Ed25519 key pair, kid "coderd-test", committed on
// purpose so that every test can sign licenses. Its private key is public: it must never be trusted by
// anything but a test server. Test servers trust it through CODER_LICENSE_PUBLIC_KEYS=testPublicKeysFile().
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Response } from 'supertest';
import type { LicenseClaims } from '#entitlements/types.js';
import { api } from './fixtures.js';
import type { TestServer } from './test-server.js';

export const TEST_LICENSE_KID = 'coderd-test';
/** The kid `unknownKidLicense()` uses: no server trusts it. */
export const UNKNOWN_LICENSE_KID = 'unknown-kid';

interface TestKeyFile {
  kid: string;
  private: JWK;
  public: JWK;
}

const TEST_KEY = JSON.parse(readFileSync(new URL('./license-test-key.json', import.meta.url), 'utf8')) as TestKeyFile;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** `{ "coderd-test": <public JWK> }`: the CODER_LICENSE_PUBLIC_KEYS file format. */
export function testPublicKeys(): Record<string, JWK> {
  return { [TEST_LICENSE_KID]: { ...TEST_KEY.public } };
}

let keysFile: Promise<string> | undefined;

/**
 * Writes `{ "coderd-test": <public JWK> }` to a file in the temp directory and returns its path, for test
 * servers' env CODER_LICENSE_PUBLIC_KEYS. One file per key (named after it), written atomically, so
 * parallel jest workers share it safely.
 */
export function testPublicKeysFile(): Promise<string> {
  keysFile ??= (async () => {
    const digest = createHash('sha256').update(TEST_KEY.public.x ?? '').digest('hex').slice(0, 12);
    const file = path.join(os.tmpdir(), `coderd-ts-license-test-keys-${digest}.json`);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(testPublicKeys(), null, 2) + '\n');
    await rename(tmp, file);
    return file;
  })();
  return keysFile;
}

let testKey: Promise<CryptoKey> | undefined;
let unknownKey: Promise<CryptoKey> | undefined;

function signingKey(which: 'test' | 'unknown'): Promise<CryptoKey> {
  if (which === 'test') {
    testKey ??= importJWK(TEST_KEY.private, 'EdDSA') as Promise<CryptoKey>;
    return testKey;
  }
  unknownKey ??= generateKeyPair('EdDSA', { crv: 'Ed25519' }).then((pair) => pair.privateKey);
  return unknownKey;
}

/** Coder's coderdenttest.LicenseOptions, plus knobs for malformed licenses. */
export interface LicenseOptions {
  /** account_type; default "salesforce" ('' is kept, to test the server's check). */
  accountType?: string;
  /** account_id; default "test-account". */
  accountId?: string;
  deploymentIds?: string[];
  trial?: boolean;
  /** feature_set; default '' (none). */
  featureSet?: '' | 'enterprise' | 'premium' | (string & {});
  /** Legacy all_features (= the enterprise set). */
  allFeatures?: boolean;
  /** features claim: boolean features take 1, limits a count. Unknown names are passed through. */
  features?: Record<string, number>;
  addons?: string[];
  requireTelemetry?: boolean;
  publishUsageData?: boolean;
  /** license_expires: end of the term, start of the grace period. Default now + 53 days. */
  graceAt?: Date;
  /** exp: end of the grace period. Default now + 60 days. */
  expiresAt?: Date;
  /** nbf; default now − 1 minute. */
  notBefore?: Date;
  /** iat; default now − 1 minute. */
  issuedAt?: Date;
  /** Claims version; default 3. */
  version?: number;
  /** JWT header kid; default "coderd-test". `null` leaves the header without a kid. */
  kid?: string | null;
  /** jti; default a random UUID. */
  jti?: string;
  /** Claims to leave out, e.g. ['iat']. Applied last. */
  omit?: string[];
  /** Extra or overriding claims, applied after the ones above (before `omit`). */
  claims?: Record<string, unknown>;
  /** 'test' (trusted by test servers, the default) or 'unknown' (a random key no server trusts). */
  key?: 'test' | 'unknown';
  /** The clock the defaults count from; default the real one. */
  now?: Date;
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The claims signLicense(opts) would sign (without signing). */
export function licenseClaims(opts: LicenseOptions = {}): LicenseClaims {
  const now = opts.now ?? new Date();
  const claims: LicenseClaims = {
    jti: opts.jti ?? randomUUID(),
    iss: 'test@testing.test',
    iat: seconds(opts.issuedAt ?? new Date(now.getTime() - MINUTE)),
    nbf: seconds(opts.notBefore ?? new Date(now.getTime() - MINUTE)),
    exp: seconds(opts.expiresAt ?? new Date(now.getTime() + 60 * DAY)),
    license_expires: seconds(opts.graceAt ?? new Date(now.getTime() + 53 * DAY)),
    account_type: opts.accountType ?? 'salesforce',
    account_id: opts.accountId ?? 'test-account',
    ...(opts.deploymentIds ? { deployment_ids: opts.deploymentIds } : {}),
    trial: opts.trial ?? false,
    feature_set: (opts.featureSet ?? '') as LicenseClaims['feature_set'],
    all_features: opts.allFeatures ?? false,
    version: opts.version ?? 3,
    features: { ...(opts.features ?? {}) },
    ...(opts.addons ? { addons: opts.addons } : {}),
    ...(opts.requireTelemetry ? { require_telemetry: true } : {}),
    ...(opts.publishUsageData ? { publish_usage_data: true } : {}),
    ...(opts.claims ?? {}),
  };
  for (const c of opts.omit ?? []) delete claims[c];
  return claims;
}

/** A license JWT (EdDSA, kid header) signed with the test key unless `key: 'unknown'`. */
export async function signLicense(opts: LicenseOptions = {}): Promise<string> {
  const kid = opts.kid === undefined ? TEST_LICENSE_KID : opts.kid;
  const header = { alg: 'EdDSA', typ: 'JWT', ...(kid === null ? {} : { kid }) };
  return new SignJWT(licenseClaims(opts)).setProtectedHeader(header).sign(await signingKey(opts.key ?? 'test'));
}

type Features = Record<string, number>;

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);
const ahead = (now: Date, ms: number) => new Date(now.getTime() + ms);

/** In its term: nbf/iat now − 1 min, license_expires now + 53 days, exp now + 60 days. */
export function validLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  return signLicense({ ...opts, features });
}

/** `feature_set: "premium"` (every boolean feature), valid; limits only if given in `features`. */
export function premiumLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  return signLicense({ featureSet: 'premium', ...opts, features });
}

/** In its grace period (Coder's GracePeriod): nbf now − 2 days, license_expires now − 1 day, exp now + 1 day. */
export function graceLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  const now = opts.now ?? new Date();
  return signLicense({ notBefore: ago(now, 2 * DAY), issuedAt: ago(now, 2 * DAY), graceAt: ago(now, DAY), expiresAt: ahead(now, DAY), ...opts, features });
}

/** Past its grace period (Coder's Expired): nbf now − 4 days, license_expires now − 3 days, exp now − 2 days. */
export function expiredLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  const now = opts.now ?? new Date();
  return signLicense({ notBefore: ago(now, 4 * DAY), issuedAt: ago(now, 4 * DAY), graceAt: ago(now, 3 * DAY), expiresAt: ago(now, 2 * DAY), ...opts, features });
}

/** A valid trial license (`trial: true`). */
export function trialLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  return signLicense({ trial: true, ...opts, features });
}

/** Not yet valid (Coder's FutureTerm): nbf now + 1 day, license_expires now + 53 days, exp now + 60 days. */
export function futureLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  const now = opts.now ?? new Date();
  return signLicense({ notBefore: ahead(now, DAY), ...opts, features });
}

/** Signed by a key no server trusts, under kid "unknown-kid". */
export function unknownKidLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  return signLicense({ kid: UNKNOWN_LICENSE_KID, key: 'unknown', ...opts, features });
}

/** Claims to be signed by kid "coderd-test" but signed by another key: the signature does not verify. */
export function badSignatureLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  return signLicense({ key: 'unknown', ...opts, features });
}

/** No `kid` in the JWT header (Coder: ErrMissingKeyID). */
export function missingKidLicense(features: Features = {}, opts: LicenseOptions = {}): Promise<string> {
  return signLicense({ ...opts, kid: null, features });
}

/** Otherwise valid, with a claims version other than 3 (default 2). */
export function badVersionLicense(version = 2, opts: LicenseOptions = {}): Promise<string> {
  return signLicense({ ...opts, version });
}

/** Otherwise valid, without the given claim(s), e.g. 'iat', 'nbf', 'exp', 'license_expires', 'account_id'. */
export function missingClaimsLicense(claim: string | string[], opts: LicenseOptions = {}): Promise<string> {
  return signLicense({ ...opts, omit: [...(opts.omit ?? []), ...(Array.isArray(claim) ? claim : [claim])] });
}

/** POST /api/v2/licenses {"license": jwt} as `ownerToken`; returns the response (201 with the License on success). */
export async function uploadLicense(server: TestServer, ownerToken: string, jwt: string): Promise<Response> {
  return await api(server, ownerToken).post('/api/v2/licenses').send({ license: jwt });
}
