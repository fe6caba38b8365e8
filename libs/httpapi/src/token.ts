import { cookie, header, queryParam, type AnyRequest } from './http.js';

export const SESSION_TOKEN_COOKIE = 'coder_session_token';
export const SESSION_TOKEN_HEADER = 'Coder-Session-Token';

/**
 * Finds the API key in Coder's order: cookie, `coder_session_token` query, `Coder-Session-Token`
 * header, `Authorization: Bearer`, `access_token` query. A non-Bearer Authorization is ignored.
 */
export function extractToken(req: AnyRequest): string | undefined {
  const fromCookie = cookie(req, SESSION_TOKEN_COOKIE);
  if (fromCookie) return fromCookie;
  const fromQuery = queryParam(req, SESSION_TOKEN_COOKIE);
  if (fromQuery) return fromQuery;
  const fromHeader = header(req, SESSION_TOKEN_HEADER);
  if (fromHeader) return fromHeader;
  return bearerToken(req) || queryParam(req, 'access_token') || undefined;
}

/** The token of an `Authorization: Bearer <token>` header; any other scheme is ignored. */
export function bearerToken(req: AnyRequest): string | undefined {
  const authz = header(req, 'authorization');
  return authz ? /^bearer\s+(\S+)\s*$/i.exec(authz)?.[1] : undefined;
}

export interface ParsedToken {
  id: string;
  secret: string;
}

export const API_KEY_ID_LENGTH = 10;
export const API_KEY_SECRET_LENGTH = 22;
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/** Splits `<10-char id>-<22-char secret>`; returns an error description for anything else. */
export function parseApiToken(token: string): ParsedToken | { error: string } {
  const parts = token.split('-');
  if (parts.length !== 2) return { error: `incorrect amount of API key parts, expected 2 got ${parts.length}` };
  const [id, secret] = parts;
  if (id.length !== API_KEY_ID_LENGTH) return { error: `invalid API key ID length, expected ${API_KEY_ID_LENGTH} got ${id.length}` };
  if (secret.length !== API_KEY_SECRET_LENGTH) {
    return { error: `invalid API key secret length, expected ${API_KEY_SECRET_LENGTH} got ${secret.length}` };
  }
  if (!ALPHANUMERIC.test(id) || !ALPHANUMERIC.test(secret)) return { error: 'API key contains characters other than letters and digits' };
  return { id, secret };
}
