// Key material of AI Gateway coderd keys and the insert retry policy (Coder's maxKeyInsertAttempts).
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  CODERD_KEY_LENGTH,
  CODERD_KEY_PREFIX_LENGTH,
  MAX_KEY_INSERT_ATTEMPTS,
  coderdKeyMatches,
  insertWithFreshKeys,
  newCoderdKey,
  parseCoderdKey,
  type NewCoderdKey,
} from '#enterprise/aibridge/coderd-keys/coderd-key-secret.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

describe('newCoderdKey', () => {
  it('is cgw_ and 39 alphanumerics; the prefix is its first 11 characters; the hash is sha256 of the 39', () => {
    const k = newCoderdKey();
    expect(k.key).toMatch(/^cgw_[A-Za-z0-9]{39}$/);
    expect(k.key).toHaveLength(CODERD_KEY_LENGTH);
    expect(CODERD_KEY_LENGTH).toBe(43);
    expect(k.prefix).toBe(k.key.slice(0, 11));
    expect(k.prefix).toHaveLength(CODERD_KEY_PREFIX_LENGTH);
    expect(k.hashedSecret.equals(sha256(k.key.slice(4)))).toBe(true);
    expect(k.hashedSecret.equals(sha256(k.key))).toBe(false);
  });

  it('never repeats itself, and uses the whole alphabet', () => {
    const keys = Array.from({ length: 500 }, () => newCoderdKey().key);
    expect(new Set(keys).size).toBe(keys.length);
    const chars = new Set(keys.join('').slice(4));
    for (const c of ['a', 'z', 'A', 'Z', '0', '9']) expect(chars.has(c)).toBe(true);
  });
});

describe('parseCoderdKey', () => {
  const good = newCoderdKey().key;
  it('splits a well-formed key into the lookup prefix and the hashed part', () => {
    expect(parseCoderdKey(good)).toEqual({ prefix: good.slice(0, 11), secret: good.slice(4) });
  });

  it.each([
    ['empty', ''],
    ['too short', good.slice(0, -1)],
    ['too long', `${good}x`],
    ['no marker', good.slice(4)],
    ['another marker', `cgx_${good.slice(4)}`],
    ['upper-case marker', `CGW_${good.slice(4)}`],
    ['a hyphen inside', `${good.slice(0, 20)}-${good.slice(21)}`],
    ['a space', `${good.slice(0, -1)} `],
    ['a Coder session token', 'abcdefghij-abcdefghijklmnopqrstuv'],
  ])('refuses %s', (_case, key) => {
    expect(parseCoderdKey(key)).toBeUndefined();
  });
});

describe('coderdKeyMatches', () => {
  it('matches sha256 of the secret only', () => {
    const k = newCoderdKey();
    const secret = k.key.slice(4);
    expect(coderdKeyMatches(secret, k.hashedSecret)).toBe(true);
    expect(coderdKeyMatches(k.key, k.hashedSecret)).toBe(false);
    expect(coderdKeyMatches(`${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`, k.hashedSecret)).toBe(false);
    expect(coderdKeyMatches(secret, Buffer.alloc(0))).toBe(false);
  });
});

describe('insertWithFreshKeys', () => {
  const collision = new Error('collision');
  const other = new Error('other');
  const isCollision = (err: unknown) => err === collision;

  /** An insert that throws the given errors in turn, then succeeds; it records the keys it saw. */
  function insertFailing(errors: Error[]) {
    const seen: NewCoderdKey[] = [];
    const insert = async (key: NewCoderdKey) => {
      seen.push(key);
      const err = errors[seen.length - 1];
      if (err) throw err;
      return `row-${seen.length}`;
    };
    return { insert, seen };
  }

  it('inserts once when nothing collides', async () => {
    const { insert, seen } = insertFailing([]);
    const out = await insertWithFreshKeys(insert, isCollision);
    expect(out.row).toBe('row-1');
    expect(out.key).toBe(seen[0]);
    expect(seen).toHaveLength(1);
  });

  it(`retries collisions with fresh key material, up to ${MAX_KEY_INSERT_ATTEMPTS} attempts in all`, async () => {
    expect(MAX_KEY_INSERT_ATTEMPTS).toBe(7);
    const { insert, seen } = insertFailing(Array(6).fill(collision));
    const out = await insertWithFreshKeys(insert, isCollision);
    expect(out.row).toBe('row-7');
    expect(out.key).toBe(seen[6]);
    expect(new Set(seen.map((k) => k.key)).size).toBe(7);
  });

  it('gives up after the 7th collision and rethrows it', async () => {
    const { insert, seen } = insertFailing(Array(7).fill(collision));
    await expect(insertWithFreshKeys(insert, isCollision)).rejects.toBe(collision);
    expect(seen).toHaveLength(7);
  });

  it('does not retry other errors', async () => {
    const { insert, seen } = insertFailing([collision, other]);
    await expect(insertWithFreshKeys(insert, isCollision)).rejects.toBe(other);
    expect(seen).toHaveLength(2);
  });
});
