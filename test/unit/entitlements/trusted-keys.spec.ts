// Trusted license keys: the embedded public key plus a CODER_LICENSE_PUBLIC_KEYS file of public JWKs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { EMBEDDED_LICENSE_KEYS, EMBEDDED_LICENSE_KEY_ID, loadTrustedKeys } from '#entitlements/trusted-keys.js';
import { verifyLicense } from '#entitlements/verify.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const SEC = NOW.getTime() / 1000;

let dir: string;
let privateKey: CryptoKey;
let publicJwk: JWK;
let privateJwk: JWK;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coderd-ts-keys-'));
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = await exportJWK(pair.publicKey);
  privateJwk = await exportJWK(pair.privateKey);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function keysFile(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('embedded license keys', () => {
  it('hold exactly one key, the public Ed25519 key "coderd-ts-2026-11", without any private part', () => {
    expect(EMBEDDED_LICENSE_KEY_ID).toBe('coderd-ts-2026-11');
    expect(Object.keys(EMBEDDED_LICENSE_KEYS)).toEqual(['coderd-ts-2026-11']);
    const jwk = EMBEDDED_LICENSE_KEYS['coderd-ts-2026-11'] as JWK;
    expect(Object.keys(jwk).sort()).toEqual(['crv', 'kty', 'x']);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
  });

  it('is a usable Ed25519 public key', async () => {
    const key = await importJWK(EMBEDDED_LICENSE_KEYS['coderd-ts-2026-11'] as JWK, 'EdDSA');
    expect((key as CryptoKey).type).toBe('public');
    expect((key as CryptoKey).algorithm.name).toBe('Ed25519');
  });
});

describe('loadTrustedKeys', () => {
  it('without a file: the embedded keys only', async () => {
    await expect(loadTrustedKeys()).resolves.toStrictEqual(EMBEDDED_LICENSE_KEYS);
    await expect(loadTrustedKeys('')).resolves.toStrictEqual(EMBEDDED_LICENSE_KEYS);
  });

  it('adds the public keys of the file to the embedded ones, and licenses signed by them verify', async () => {
    const file = await keysFile('ok.json', { 'test-issuer': { ...publicJwk, alg: 'EdDSA', use: 'sig' } });
    const keys = await loadTrustedKeys(file);
    expect(Object.keys(keys).sort()).toEqual(['coderd-ts-2026-11', 'test-issuer']);
    expect(keys['test-issuer']).toStrictEqual({ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x });

    const claims = {
      iat: SEC - 60, nbf: SEC - 60, license_expires: SEC + 86_400, exp: SEC + 2 * 86_400,
      account_type: 'salesforce', account_id: 'a', version: 3, features: { user_limit: 5 },
    };
    const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'test-issuer' }).sign(privateKey);
    await expect(verifyLicense(jwt, keys, { now: NOW })).resolves.toStrictEqual(claims);
  });

  it('accepts the embedded key repeated with the same value', async () => {
    const file = await keysFile('same.json', { 'coderd-ts-2026-11': EMBEDDED_LICENSE_KEYS['coderd-ts-2026-11'] });
    await expect(loadTrustedKeys(file)).resolves.toStrictEqual(EMBEDDED_LICENSE_KEYS);
  });

  type Case = [name: string, content: unknown, message: (file: string) => string];
  const cases: Case[] = [
    ['invalid JSON', '{"a":', (f) => `The license public keys file ${f} is not valid JSON: `],
    ['an array', [], (f) => `The license public keys file ${f} must be a JSON object mapping key IDs to public JWKs.`],
    ['a key that is not an object', { k: 'abc' }, (f) => `The license public keys file ${f}, key "k": must be a JWK object.`],
    ['an empty key ID', { '': {} }, (f) => `The license public keys file ${f} has an empty key ID.`],
    ['a private JWK (with "d")', null, (f) => `The license public keys file ${f}, key "leaked": is a private key (it has "d")`],
    ['an EC key', { ec: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } }, (f) => `The license public keys file ${f}, key "ec": must be an Ed25519 public JWK`],
    ['an x that is not a 32-byte key', { short: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } }, (f) => `The license public keys file ${f}, key "short": is not a usable Ed25519 public key: `],
    ['another key under the embedded key ID', null, (f) => `The license public keys file ${f}, key "coderd-ts-2026-11": would replace the embedded key with that ID; use another key ID.`],
  ];

  // A rest parameter: jest reads a callback with more parameters than a row has values as wanting `done`.
  it.each(cases)('rejects %s, naming the file', async (...row: Case) => {
    const [name, content, message] = row;
    let body = content;
    if (name.startsWith('a private JWK')) body = { leaked: privateJwk };
    if (name.startsWith('another key')) body = { 'coderd-ts-2026-11': publicJwk };
    const file = await keysFile(`${name.replace(/\W+/g, '-')}.json`, body);
    const err = await loadTrustedKeys(file).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const expected = message(file);
    expect(err?.message.slice(0, expected.length)).toBe(expected);
  });

  it('rejects a file that cannot be read, naming it', async () => {
    const file = path.join(dir, 'missing.json');
    await expect(loadTrustedKeys(file)).rejects.toThrow(`Cannot read the license public keys file ${file}: ENOENT`);
  });
});
