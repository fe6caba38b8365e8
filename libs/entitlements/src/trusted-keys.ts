import { readFile } from 'node:fs/promises';
import { importJWK, type JWK } from 'jose';
import type { TrustedKeys } from './verify.js';

/** Key ID of the embedded production license key. */
export const EMBEDDED_LICENSE_KEY_ID = 'coderd-ts-2026-11';

/**
 * The license public keys built into the server (Coder embeds `enterprise/coderd/keys/2022-08-12`).
 *
 * Only the PUBLIC half is here. The private key is kept by the vendor, who issues (signs) licenses; it is never
 * in this repository, in images or in configuration. To trust further keys (tests, a private issuer), name a JSON
 * file of public JWKs in CODER_LICENSE_PUBLIC_KEYS; see {@link loadTrustedKeys}.
 */
export const EMBEDDED_LICENSE_KEYS: TrustedKeys = Object.freeze({
  [EMBEDDED_LICENSE_KEY_ID]: Object.freeze({
    kty: 'OKP',
    crv: 'Ed25519',
    x: 'nAzPO_EphEBOULiNmOOaRsggHveTJasQun-JTvgOm2c',
  }),
});

/**
 * The embedded keys plus, when `file` is given, the keys of a JSON file `{"<kid>": <Ed25519 public JWK>, ...}`.
 * Rejects, with a message naming the file: unreadable file, invalid JSON, anything but an object of public Ed25519
 * JWKs, private JWKs (with `"d"`), empty key IDs and key IDs that would replace an embedded key with another key.
 */
export async function loadTrustedKeys(file?: string): Promise<TrustedKeys> {
  if (file === undefined || file === '') return EMBEDDED_LICENSE_KEYS;

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the license public keys file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`The license public keys file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The license public keys file ${file} must be a JSON object mapping key IDs to public JWKs.`);
  }

  const keys: Record<string, JWK> = { ...(EMBEDDED_LICENSE_KEYS as Record<string, JWK>) };
  for (const [kid, value] of Object.entries(parsed)) {
    const where = `The license public keys file ${file}, key ${JSON.stringify(kid)}`;
    if (kid === '') throw new Error(`The license public keys file ${file} has an empty key ID.`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${where}: must be a JWK object.`);
    }
    const jwk = value as Record<string, unknown>;
    if ('d' in jwk) {
      throw new Error(`${where}: is a private key (it has "d"); the server needs only the public key. Remove "d" and keep the private key away from the server.`);
    }
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
      throw new Error(`${where}: must be an Ed25519 public JWK ({"kty": "OKP", "crv": "Ed25519", "x": "..."}).`);
    }
    const publicJwk: JWK = Object.freeze({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
    try {
      await importJWK(publicJwk, 'EdDSA');
    } catch (err) {
      throw new Error(`${where}: is not a usable Ed25519 public key: ${(err as Error).message}`, { cause: err });
    }
    const existing = Object.hasOwn(EMBEDDED_LICENSE_KEYS, kid) ? (EMBEDDED_LICENSE_KEYS[kid] as JWK) : undefined;
    if (existing !== undefined && existing.x !== publicJwk.x) {
      throw new Error(`${where}: would replace the embedded key with that ID; use another key ID.`);
    }
    keys[kid] = publicJwk;
  }
  return Object.freeze(keys);
}
