// License JWT verification (reference §3): EdDSA only, `kid` selects the key, Coder's claim rules.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { CompactSign, SignJWT, exportJWK, generateKeyPair, generateSecret, type CryptoKey, type JWK } from 'jose';
import type { LicenseClaims } from '#entitlements/types.js';
import {
  LicenseError,
  decodeLicenseUnverified,
  verifyLicense,
  type LicenseErrorCode,
  type TrustedKeys,
} from '#entitlements/verify.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const SEC = NOW.getTime() / 1000;
const DAY = 86_400;
const KID = 'unit-test';

let privateKey: CryptoKey;
let otherPrivateKey: CryptoKey;
let publicJwk: JWK;
let keys: TrustedKeys;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  privateKey = pair.privateKey;
  publicJwk = await exportJWK(pair.publicKey);
  otherPrivateKey = (await generateKeyPair('EdDSA')).privateKey;
  const ec = await generateKeyPair('ES256');
  keys = { [KID]: publicJwk, 'crypto-key': pair.publicKey, 'not-ed25519': ec.publicKey };
});

function validClaims(): LicenseClaims {
  return {
    jti: 'c2f6ed3e-0000-4000-8000-000000000001',
    iat: SEC - 10 * DAY,
    nbf: SEC - 10 * DAY,
    license_expires: SEC + 300 * DAY,
    exp: SEC + 330 * DAY,
    account_type: 'salesforce',
    account_id: 'acct-1',
    trial: false,
    feature_set: 'premium',
    version: 3,
    features: { user_limit: 100, audit_log: 1 },
    addons: ['ai_governance'],
    extra_vendor_claim: { kept: ['verbatim'] },
  };
}

async function sign(
  claims: Record<string, unknown>,
  opts: { kid?: string | null; key?: CryptoKey | Uint8Array; alg?: string } = {},
): Promise<string> {
  const header: Record<string, unknown> = { alg: opts.alg ?? 'EdDSA', typ: 'JWT' };
  if (opts.kid !== null) header.kid = opts.kid ?? KID;
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(opts.key ?? privateKey);
}

function without(claim: keyof LicenseClaims): Record<string, unknown> {
  const c: Record<string, unknown> = validClaims();
  delete c[claim];
  return c;
}

async function rejection(jwt: string, opts: { now?: Date; ignoreNbf?: boolean; keys?: TrustedKeys } = {}): Promise<LicenseError> {
  try {
    await verifyLicense(jwt, opts.keys ?? keys, { now: opts.now ?? NOW, ignoreNbf: opts.ignoreNbf });
  } catch (err) {
    expect(err).toBeInstanceOf(LicenseError);
    return err as LicenseError;
  }
  throw new Error('verifyLicense accepted the license');
}

describe('verifyLicense: a valid license', () => {
  it('returns the JWT payload verbatim, unknown claims included', async () => {
    const claims = validClaims();
    await expect(verifyLicense(await sign(claims), keys, { now: NOW })).resolves.toStrictEqual(claims);
  });

  it('accepts a trusted key given as a CryptoKey', async () => {
    const claims = validClaims();
    const jwt = await sign(claims, { kid: 'crypto-key' });
    await expect(verifyLicense(jwt, keys, { now: NOW })).resolves.toStrictEqual(claims);
  });

  it('is valid until one second before exp', async () => {
    const claims = { ...validClaims(), exp: SEC + 1 };
    await expect(verifyLicense(await sign(claims), keys, { now: NOW })).resolves.toStrictEqual(claims);
  });

  it('accepts a future nbf with ignoreNbf (renewal upload)', async () => {
    const claims = { ...validClaims(), nbf: SEC + DAY };
    await expect(verifyLicense(await sign(claims), keys, { now: NOW, ignoreNbf: true })).resolves.toStrictEqual(claims);
  });

  it('accepts license_expires exactly 5 × 365 days ahead', async () => {
    const claims = { ...validClaims(), license_expires: SEC + 5 * 365 * DAY, exp: SEC + 6 * 365 * DAY };
    await expect(verifyLicense(await sign(claims), keys, { now: NOW })).resolves.toStrictEqual(claims);
  });
});

describe('verifyLicense: rejections', () => {
  type Case = [name: string, jwt: () => Promise<string>, code: LicenseErrorCode, message: string | RegExp, opts?: { ignoreNbf?: boolean }];
  const cases: Case[] = [
    ['unknown kid', () => sign(validClaims(), { kid: 'someone-else' }), 'unknown_kid', 'License is signed by an unknown key (kid "someone-else").'],
    ['kid "__proto__" is not looked up on the prototype', () => sign(validClaims(), { kid: '__proto__' }), 'unknown_kid', 'License is signed by an unknown key (kid "__proto__").'],
    ['missing kid', () => sign(validClaims(), { kid: null }), 'missing_kid', 'License has no key ID: its JOSE header must contain "kid".'],
    ['empty kid', () => sign(validClaims(), { kid: '' }), 'missing_kid', 'License has no key ID: its JOSE header must contain "kid".'],
    ['signed by another key under a trusted kid', () => sign(validClaims(), { key: otherPrivateKey }), 'bad_signature', 'License signature is invalid.'],
    [
      'payload changed after signing',
      async () => {
        const [h, , s] = (await sign(validClaims())).split('.');
        const forged = Buffer.from(JSON.stringify({ ...validClaims(), features: { user_limit: 100000 } })).toString('base64url');
        return `${h}.${forged}.${s}`;
      },
      'bad_signature',
      'License signature is invalid.',
    ],
    ['trusted key is not an Ed25519 key', () => sign(validClaims(), { kid: 'not-ed25519' }), 'bad_signature', /^License signature cannot be checked with key "not-ed25519": /],
    ['HS256 (shared secret)', async () => sign(validClaims(), { alg: 'HS256', key: await generateSecret('HS256') }), 'wrong_algorithm', 'License is signed with algorithm "HS256"; only EdDSA (Ed25519) is accepted.'],
    ['ES256', async () => sign(validClaims(), { alg: 'ES256', key: (await generateKeyPair('ES256')).privateKey }), 'wrong_algorithm', 'License is signed with algorithm "ES256"; only EdDSA (Ed25519) is accepted.'],
    ['fully-specified Ed25519 alg (Coder accepts only EdDSA)', () => sign(validClaims(), { alg: 'Ed25519' }), 'wrong_algorithm', 'License is signed with algorithm "Ed25519"; only EdDSA (Ed25519) is accepted.'],
    [
      'alg none',
      async () => `${Buffer.from(JSON.stringify({ alg: 'none', kid: KID })).toString('base64url')}.${Buffer.from(JSON.stringify(validClaims())).toString('base64url')}.`,
      'wrong_algorithm',
      'License is signed with algorithm "none"; only EdDSA (Ed25519) is accepted.',
    ],
    ['not a JWT', async () => 'not-a-license', 'malformed', 'License is not a valid JWT: expected three dot-separated parts.'],
    ['header is not base64url JSON', async () => '!!!.e30.AAAA', 'malformed', 'License is not a valid JWT: its header cannot be decoded.'],
    [
      'payload is not JSON',
      () => new CompactSign(new TextEncoder().encode('not json')).setProtectedHeader({ alg: 'EdDSA', kid: KID }).sign(privateKey),
      'malformed',
      'License payload is not valid JSON.',
    ],
    [
      'payload is a JSON array',
      () => new CompactSign(new TextEncoder().encode('[1,2]')).setProtectedHeader({ alg: 'EdDSA', kid: KID }).sign(privateKey),
      'malformed',
      'License payload must be a JSON object.',
    ],
    ['features values are not integers', () => sign({ ...validClaims(), features: { user_limit: 1.5 } }), 'malformed', 'License claim "features" must be an object mapping feature names to integers.'],
    ['trial is not a boolean', () => sign({ ...validClaims(), trial: 'yes' }), 'malformed', 'License claim "trial" must be a boolean.'],
    ['addons is not a string array', () => sign({ ...validClaims(), addons: [1] }), 'malformed', 'License claim "addons" must be an array of strings.'],
    ['version 2', () => sign({ ...validClaims(), version: 2 }), 'invalid_version', 'License must be version 3 (it is 2).'],
    ['version as a string', () => sign({ ...validClaims(), version: '3' }), 'invalid_version', 'License must be version 3 (it is "3").'],
    ['version missing', () => sign(without('version')), 'invalid_version', 'License must be version 3 (it is null).'],
    ['missing iat', () => sign(without('iat')), 'missing_iat', 'License has an invalid or missing iat (issued at) claim.'],
    ['iat not a number', () => sign({ ...validClaims(), iat: 'yesterday' }), 'missing_iat', 'License has an invalid or missing iat (issued at) claim.'],
    ['missing nbf', () => sign(without('nbf')), 'missing_nbf', 'License has an invalid or missing nbf (not before) claim.'],
    ['missing license_expires', () => sign(without('license_expires')), 'invalid_license_expires', 'License has an invalid or missing license_expires claim.'],
    [
      'absurd license_expires (more than 5 years ahead)',
      () => sign({ ...validClaims(), license_expires: SEC + 5 * 365 * DAY + 1, exp: SEC + 6 * 365 * DAY }),
      'invalid_license_expires',
      'License has an absurd license_expires claim: 2031-11-24T12:00:01.000Z is more than 5 years from now.',
    ],
    ['missing exp', () => sign(without('exp')), 'missing_exp', 'License has an invalid or missing exp (expires at) claim.'],
    ['missing account_type', () => sign(without('account_type')), 'missing_account_type', 'License must contain a valid account type (account_type).'],
    ['empty account_type', () => sign({ ...validClaims(), account_type: '' }), 'missing_account_type', 'License must contain a valid account type (account_type).'],
    ['empty account_id', () => sign({ ...validClaims(), account_id: '' }), 'missing_account_id', 'License must contain a valid account ID (account_id).'],
    ['missing account_id', () => sign(without('account_id')), 'missing_account_id', 'License must contain a valid account ID (account_id).'],
    ['not yet valid (nbf in the future)', () => sign({ ...validClaims(), nbf: SEC + 60 }), 'not_yet_valid', 'License is not valid until 2026-11-25T12:01:00.000Z.'],
    ['expired (exp in the past)', () => sign({ ...validClaims(), exp: SEC - DAY }), 'expired', 'License expired at 2026-11-24T12:00:00.000Z.'],
    ['expired exactly at exp', () => sign({ ...validClaims(), exp: SEC }), 'expired', 'License expired at 2026-11-25T12:00:00.000Z.'],
    ['expired wins over not-yet-valid and ignoreNbf', () => sign({ ...validClaims(), nbf: SEC + DAY, exp: SEC - DAY }), 'expired', 'License expired at 2026-11-24T12:00:00.000Z.', { ignoreNbf: true }],
    ['ignoreNbf still checks the other rules', () => sign({ ...validClaims(), nbf: SEC + DAY, version: 1 }), 'invalid_version', 'License must be version 3 (it is 1).', { ignoreNbf: true }],
  ];

  // A rest parameter: jest reads a callback with more parameters than a row has values as wanting `done`.
  it.each(cases)('%s', async (...row: Case) => {
    const [, jwt, code, message, opts] = row;
    const err = await rejection(await jwt(), opts);
    expect(err.code).toBe(code);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
    expect(err.name).toBe('LicenseError');
  });

  it('an expired license is distinguishable from every other error by its code alone', async () => {
    const expired = await rejection(await sign({ ...validClaims(), exp: SEC - 1 }));
    const badSig = await rejection(await sign({ ...validClaims(), exp: SEC - 1 }, { key: otherPrivateKey }));
    expect([expired.code, badSig.code]).toEqual(['expired', 'bad_signature']);
  });

  it('checks the signature before the claims (a forged expired license is a bad signature)', async () => {
    const err = await rejection(await sign(without('account_id'), { key: otherPrivateKey }));
    expect(err.code).toBe('bad_signature');
  });

  it('an empty key set trusts nothing', async () => {
    const err = await rejection(await sign(validClaims()), { keys: {} });
    expect(err.code).toBe('unknown_kid');
  });
});

describe('decodeLicenseUnverified', () => {
  it('returns the payload of a license signed by anyone', async () => {
    const claims = validClaims();
    expect(decodeLicenseUnverified(await sign(claims, { key: otherPrivateKey, kid: 'unknown' }))).toStrictEqual(claims);
  });

  it('rejects something that is not a JWT', () => {
    expect(() => decodeLicenseUnverified('garbage')).toThrow(
      expect.objectContaining({ name: 'LicenseError', code: 'malformed', message: 'License is not a valid JWT.' }),
    );
  });
});
