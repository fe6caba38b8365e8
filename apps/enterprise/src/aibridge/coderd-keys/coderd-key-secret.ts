// Key material of AI Gateway coderd keys (Coder's coderd/aigatewaycoderdkey): `cgw_` + 39 random
// alphanumerics. The first 11 characters are shown (and indexed); only sha256 of the 39 random
// characters is stored.
import { hashSecret, randomString, secretMatches } from '#coderd/apikeys/api-key-secret.js';

export const CODERD_KEY_MARKER = 'cgw_';
/** Random characters after the marker. */
export const CODERD_KEY_SECRET_LENGTH = 39;
export const CODERD_KEY_LENGTH = CODERD_KEY_MARKER.length + CODERD_KEY_SECRET_LENGTH;
/** The visible part: the marker and the first 7 random characters. */
export const CODERD_KEY_PREFIX_LENGTH = 11;
/** Coder's maxKeyInsertAttempts: a generated prefix or hash colliding is a safety net, not a case. */
export const MAX_KEY_INSERT_ATTEMPTS = 7;

const KEY_RE = new RegExp(`^${CODERD_KEY_MARKER}[A-Za-z0-9]{${CODERD_KEY_SECRET_LENGTH}}$`);

export interface NewCoderdKey {
  /** The whole key, returned to the caller once. */
  key: string;
  prefix: string;
  hashedSecret: Buffer;
}

export function newCoderdKey(): NewCoderdKey {
  const secret = randomString(CODERD_KEY_SECRET_LENGTH);
  const key = CODERD_KEY_MARKER + secret;
  return { key, prefix: key.slice(0, CODERD_KEY_PREFIX_LENGTH), hashedSecret: hashSecret(secret) };
}

/** The lookup prefix and the hashed part of a presented key; undefined when it is not shaped like one. */
export function parseCoderdKey(key: string): { prefix: string; secret: string } | undefined {
  if (!KEY_RE.test(key)) return undefined;
  return { prefix: key.slice(0, CODERD_KEY_PREFIX_LENGTH), secret: key.slice(CODERD_KEY_MARKER.length) };
}

/** Constant-time comparison of sha256(secret) with the stored hash. */
export function coderdKeyMatches(secret: string, hashedSecret: Buffer): boolean {
  return secretMatches(secret, hashedSecret);
}

/**
 * Runs `insert` with fresh key material until it succeeds, retrying only when `isCollision` says
 * the generated prefix or hash already exists, at most MAX_KEY_INSERT_ATTEMPTS times in all. The
 * last error is rethrown.
 */
export async function insertWithFreshKeys<T>(
  insert: (key: NewCoderdKey) => Promise<T>,
  isCollision: (err: unknown) => boolean,
  generate: () => NewCoderdKey = newCoderdKey,
): Promise<{ row: T; key: NewCoderdKey }> {
  for (let attempt = 1; ; attempt++) {
    const key = generate();
    try {
      return { row: await insert(key), key };
    } catch (err) {
      if (attempt >= MAX_KEY_INSERT_ATTEMPTS || !isCollision(err)) throw err;
    }
  }
}
