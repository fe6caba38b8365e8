// API key secrets: `<10-char id>-<22-char secret>`, only sha256(secret) stored, constant-time compare.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { hashSecret, newApiKeySecret, randomString, secretMatches } from '#coderd/apikeys/api-key-secret.js';
import { parseApiToken } from '#httpapi/token.js';

const ALNUM = /^[A-Za-z0-9]+$/;
const MANY = 2000;

describe('newApiKeySecret', () => {
  it('has Coder\'s shape: 10-char id, 22-char secret, joined by "-"', () => {
    const k = newApiKeySecret();
    expect(k.id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(k.secret).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(k.token).toBe(`${k.id}-${k.secret}`);
    expect(parseApiToken(k.token)).toEqual({ id: k.id, secret: k.secret });
  });

  it('stores sha256(secret) only', () => {
    const k = newApiKeySecret();
    expect(k.hashedSecret).toEqual(createHash('sha256').update(k.secret).digest());
    expect(k.hashedSecret).toHaveLength(32);
    expect(k.hashedSecret.toString('latin1')).not.toContain(k.secret);
    expect(k.hashedSecret.toString('hex')).not.toContain(Buffer.from(k.secret).toString('hex'));
  });

  it(`ids, secrets and tokens are unique over ${MANY} keys`, () => {
    const keys = Array.from({ length: MANY }, newApiKeySecret);
    expect(new Set(keys.map((k) => k.id)).size).toBe(MANY);
    expect(new Set(keys.map((k) => k.secret)).size).toBe(MANY);
    expect(new Set(keys.map((k) => k.hashedSecret.toString('hex'))).size).toBe(MANY);
  });

  it('draws from the whole alphanumeric alphabet', () => {
    // 2000 secrets x 22 chars: missing any of 62 symbols by chance is astronomically unlikely.
    const seen = new Set(Array.from({ length: MANY }, () => newApiKeySecret().secret).join(''));
    expect(seen.size).toBe(62);
  });
});

describe('randomString', () => {
  it.each([0, 1, 10, 22, 64])('length %i, alphanumeric', (n) => {
    const s = randomString(n);
    expect(s).toHaveLength(n);
    if (n > 0) expect(s).toMatch(ALNUM);
  });
});

describe('secretMatches', () => {
  const { secret, hashedSecret } = newApiKeySecret();

  it('is true for the right secret', () => {
    expect(secretMatches(secret, hashedSecret)).toBe(true);
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
  });

  it.each<[string, string]>([
    ['one character changed', secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a')],
    ['different case', secret === secret.toUpperCase() ? secret.toLowerCase() : secret.toUpperCase()],
    ['a prefix', secret.slice(0, 21)],
    ['an extension', secret + 'x'],
    ['empty', ''],
    ['another key\'s secret', newApiKeySecret().secret],
  ])('is false for %s', (_name, candidate) => {
    expect(candidate).not.toBe(secret);
    expect(secretMatches(candidate, hashedSecret)).toBe(false);
  });

  it.each<[string, Buffer]>([
    ['an empty stored hash', Buffer.alloc(0)],
    ['a short stored hash', hashedSecret.subarray(0, 16)],
    ['a long stored hash', Buffer.concat([hashedSecret, Buffer.from([0])])],
  ])('is false (not a throw) for %s', (_name, stored) => {
    expect(() => secretMatches(secret, stored)).not.toThrow();
    expect(secretMatches(secret, stored)).toBe(false);
  });

  it('hashSecret is deterministic and secret-dependent', () => {
    expect(hashSecret('abc')).toEqual(hashSecret('abc'));
    expect(hashSecret('abc')).not.toEqual(hashSecret('abd'));
  });
});
