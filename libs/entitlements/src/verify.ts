import { compactVerify, decodeJwt, decodeProtectedHeader, errors, type CryptoKey, type JWK, type KeyObject } from 'jose';
import type { LicenseClaims } from './types.js';

/**
 * Public keys that may sign licenses, by JOSE `kid` (Coder's `LicenseKeys map[kid]ed25519.PublicKey`).
 * Values are Ed25519 public keys: a public JWK (`{kty: "OKP", crv: "Ed25519", x}`), a CryptoKey or a KeyObject.
 */
export type TrustedKeys = Readonly<Record<string, CryptoKey | KeyObject | JWK>>;

/** The only accepted JWS algorithm (Coder's `ValidMethods = ["EdDSA"]`). */
export const LICENSE_ALGORITHM = 'EdDSA';
/** The only accepted `version` claim. */
export const LICENSE_VERSION = 3;
/** `license_expires` more than this far in the future is rejected as absurd (Coder: 5 × 365 days). */
export const MAX_LICENSE_TERM_MS = 5 * 365 * 24 * 60 * 60 * 1000;

export type LicenseErrorCode =
  | 'malformed'
  | 'wrong_algorithm'
  | 'missing_kid'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_version'
  | 'missing_iat'
  | 'missing_nbf'
  | 'invalid_license_expires'
  | 'missing_exp'
  | 'missing_account_type'
  | 'missing_account_id';

/** Why a license was rejected. `code` is stable; `message` is a full English sentence for people. */
export class LicenseError extends Error {
  override readonly name = 'LicenseError';

  constructor(
    readonly code: LicenseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface VerifyLicenseOptions {
  /** The time to check `exp`, `nbf` and the 5-year `license_expires` bound against. */
  now: Date;
  /** Accept licenses whose `nbf` is in the future (upload of a renewal; Coder's ParseClaimsIgnoreNbf). */
  ignoreNbf?: boolean;
}

/**
 * Verifies a license JWT and returns its claims verbatim (the JWT payload object).
 *
 * Order of checks, as Coder's: the signature (EdDSA only, `kid` selects the key), then `exp` (expired) and `nbf`
 * (not yet valid), then the license rules: version 3, `iat`, `nbf`, `license_expires` (at most 5 years ahead),
 * `exp`, `account_type`, `account_id`. Throws {@link LicenseError}.
 */
export async function verifyLicense(jwt: string, keys: TrustedKeys, opts: VerifyLicenseOptions): Promise<LicenseClaims> {
  const header = decodeHeader(jwt);
  if (header.alg !== LICENSE_ALGORITHM) {
    throw new LicenseError(
      'wrong_algorithm',
      `License is signed with algorithm ${JSON.stringify(header.alg ?? null)}; only EdDSA (Ed25519) is accepted.`,
    );
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') {
    throw new LicenseError('missing_kid', 'License has no key ID: its JOSE header must contain "kid".');
  }
  const key = Object.hasOwn(keys, kid) ? keys[kid] : undefined;
  if (key === undefined) {
    throw new LicenseError('unknown_kid', `License is signed by an unknown key (kid ${JSON.stringify(kid)}).`);
  }

  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jwt, key, { algorithms: [LICENSE_ALGORITHM] }));
  } catch (err) {
    throw joseError(err, kid);
  }

  const claims = parsePayload(payload);
  checkClaims(claims, opts);
  return claims;
}

/** The claims of a license without checking its signature or any rule (for display and diagnostics only). */
export function decodeLicenseUnverified(jwt: string): LicenseClaims {
  try {
    return decodeJwt(jwt) as LicenseClaims;
  } catch (err) {
    throw new LicenseError('malformed', 'License is not a valid JWT.', { cause: err });
  }
}

function decodeHeader(jwt: string): { alg?: unknown; kid?: unknown } {
  if (typeof jwt !== 'string' || jwt.split('.').length !== 3) {
    throw new LicenseError('malformed', 'License is not a valid JWT: expected three dot-separated parts.');
  }
  try {
    return decodeProtectedHeader(jwt);
  } catch (err) {
    throw new LicenseError('malformed', 'License is not a valid JWT: its header cannot be decoded.', { cause: err });
  }
}

function joseError(err: unknown, kid: string): LicenseError {
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new LicenseError('bad_signature', 'License signature is invalid.', { cause: err });
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return new LicenseError('wrong_algorithm', 'License is not signed with EdDSA (Ed25519).', { cause: err });
  }
  if (err instanceof errors.JWSInvalid) {
    return new LicenseError('malformed', `License is not a valid JWT: ${err.message}.`, { cause: err });
  }
  // A trusted key that is not an Ed25519 public key, or a key the runtime cannot use.
  const detail = err instanceof Error ? err.message : String(err);
  return new LicenseError('bad_signature', `License signature cannot be checked with key ${JSON.stringify(kid)}: ${detail}.`, {
    cause: err,
  });
}

function parsePayload(payload: Uint8Array): LicenseClaims {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (err) {
    throw new LicenseError('malformed', 'License payload is not valid JSON.', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LicenseError('malformed', 'License payload must be a JSON object.');
  }
  const claims = parsed as LicenseClaims;
  checkShape(claims);
  return claims;
}

/** Types of optional claims (Coder fails to unmarshal these into its Claims struct). */
function checkShape(c: LicenseClaims): void {
  const bad = (claim: string, what: string) =>
    new LicenseError('malformed', `License claim "${claim}" must be ${what}.`);
  for (const claim of ['trial', 'all_features', 'require_telemetry', 'publish_usage_data'] as const) {
    if (c[claim] !== undefined && typeof c[claim] !== 'boolean') throw bad(claim, 'a boolean');
  }
  for (const claim of ['jti', 'iss', 'sub', 'feature_set'] as const) {
    if (c[claim] !== undefined && typeof c[claim] !== 'string') throw bad(claim, 'a string');
  }
  for (const claim of ['deployment_ids', 'addons'] as const) {
    const v = c[claim];
    if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) throw bad(claim, 'an array of strings');
  }
  const f = c.features;
  if (f !== undefined && f !== null) {
    if (typeof f !== 'object' || Array.isArray(f) || !Object.values(f).every((v) => Number.isSafeInteger(v))) {
      throw bad('features', 'an object mapping feature names to integers');
    }
  }
}

/** A NumericDate (seconds) usable as a Date; `undefined` when missing or not a usable number. */
function numericDateMs(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  const ms = v * 1000;
  return Math.abs(ms) <= 8.64e15 ? ms : undefined;
}

function checkClaims(c: LicenseClaims, opts: VerifyLicenseOptions): void {
  const now = opts.now.getTime();
  const exp = numericDateMs(c.exp);
  const nbf = numericDateMs(c.nbf);
  if (exp !== undefined && exp <= now) {
    throw new LicenseError('expired', `License expired at ${new Date(exp).toISOString()}.`);
  }
  if (!opts.ignoreNbf && nbf !== undefined && nbf > now) {
    throw new LicenseError('not_yet_valid', `License is not valid until ${new Date(nbf).toISOString()}.`);
  }
  if (c.version !== LICENSE_VERSION) {
    throw new LicenseError('invalid_version', `License must be version ${LICENSE_VERSION} (it is ${JSON.stringify(c.version ?? null)}).`);
  }
  if (numericDateMs(c.iat) === undefined) {
    throw new LicenseError('missing_iat', 'License has an invalid or missing iat (issued at) claim.');
  }
  if (nbf === undefined) {
    throw new LicenseError('missing_nbf', 'License has an invalid or missing nbf (not before) claim.');
  }
  const licenseExpires = numericDateMs(c.license_expires);
  if (licenseExpires === undefined) {
    throw new LicenseError('invalid_license_expires', 'License has an invalid or missing license_expires claim.');
  }
  if (licenseExpires > now + MAX_LICENSE_TERM_MS) {
    throw new LicenseError(
      'invalid_license_expires',
      `License has an absurd license_expires claim: ${new Date(licenseExpires).toISOString()} is more than 5 years from now.`,
    );
  }
  if (exp === undefined) {
    throw new LicenseError('missing_exp', 'License has an invalid or missing exp (expires at) claim.');
  }
  if (typeof c.account_type !== 'string' || c.account_type === '') {
    throw new LicenseError('missing_account_type', 'License must contain a valid account type (account_type).');
  }
  if (typeof c.account_id !== 'string' || c.account_id === '') {
    throw new LicenseError('missing_account_id', 'License must contain a valid account ID (account_id).');
  }
}
