import { hash, randomInt, timingSafeEqual } from 'node:crypto';
import { API_KEY_ID_LENGTH, API_KEY_SECRET_LENGTH } from '#httpapi/token.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Uniformly random alphanumeric string from the OS CSPRNG (randomInt avoids modulo bias). */
export function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export interface NewApiKeySecret {
  id: string;
  secret: string;
  hashedSecret: Buffer;
  token: string;
}

/** Coder's token shape: `<10-char id>-<22-char secret>`; only sha256(secret) is stored. */
export function newApiKeySecret(): NewApiKeySecret {
  const id = randomString(API_KEY_ID_LENGTH);
  const secret = randomString(API_KEY_SECRET_LENGTH);
  return { id, secret, hashedSecret: hashSecret(secret), token: `${id}-${secret}` };
}

export function hashSecret(secret: string): Buffer {
  // One-shot hashing: on every authenticated request, and cheaper than a Hash object.
  return hash('sha256', secret, 'buffer');
}

export function secretMatches(secret: string, hashed: Buffer): boolean {
  const candidate = hashSecret(secret);
  return candidate.length === hashed.length && timingSafeEqual(candidate, hashed);
}
