import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 4.1: 43 to 128 unreserved characters (verifier and challenge alike). */
const PKCE_VALUE_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

export const isPkceValue = (v: string): boolean => PKCE_VALUE_RE.test(v);

/**
 * The challenge method of an authorization request, as Coder checks it: omitted means S256, `plain`
 * is refused by name, anything else as unsupported. Answers the error description, or undefined.
 */
export function pkceMethodProblem(method: string | undefined): string | undefined {
  if (method === undefined || method === '' || method === 'S256') return undefined;
  if (method === 'plain') return "code_challenge_method 'plain' is not supported; use 'S256'";
  return `unsupported code_challenge_method: ${method}`;
}

/** S256 (RFC 7636 4.6): base64url without padding of sha256(verifier), compared in constant time. */
export function pkceVerifies(verifier: string, challenge: string): boolean {
  if (!isPkceValue(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
