import { hashSecret, randomString } from '../apikeys/api-key-secret.js';

const PREFIX_LENGTH = 10;
const SECRET_LENGTH = 40;
const DISPLAY_LENGTH = 6;

/** A client secret, code or refresh token in Coder's form `coder_<10-char prefix>_<40-char secret>`. */
export interface NewOauth2Secret {
  /** The whole value, shown once. */
  full: string;
  /** Looked up by (unique index). */
  prefix: string;
  /** sha256 of the secret part: all that is stored of it. */
  hashed: Buffer;
  /** `*`s and the last characters, for lists (`client_secret_truncated`). */
  display: string;
}

export function newOauth2Secret(): NewOauth2Secret {
  const prefix = randomString(PREFIX_LENGTH);
  const secret = randomString(SECRET_LENGTH);
  return { full: `coder_${prefix}_${secret}`, prefix, hashed: hashSecret(secret), display: `${'*'.repeat(SECRET_LENGTH + PREFIX_LENGTH + 7 - DISPLAY_LENGTH)}${secret.slice(-DISPLAY_LENGTH)}` };
}

/** The prefix and secret of a value in Coder's form; undefined for anything else. */
export function parseOauth2Secret(value: string): { prefix: string; secret: string } | undefined {
  const parts = value.split('_');
  if (parts.length !== 3 || parts[0] !== 'coder' || !parts[1] || !parts[2]) return undefined;
  return { prefix: parts[1], secret: parts[2] };
}
