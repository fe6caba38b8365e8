import { domainToASCII } from 'node:url';

/**
 * An RFC 8707 `resource`: absolute (a scheme), without a fragment. Answers the problem, or undefined.
 */
export function resourceProblem(resource: string): string | undefined {
  let u: URL;
  try {
    u = new URL(resource);
  } catch {
    return 'resource must be an absolute URI';
  }
  if (resource.includes('#') || u.hash !== '') return 'resource must not contain a fragment';
  return undefined;
}

/**
 * The form in which a token's audience is compared with the deployment's access URL (Coder's
 * audience check): scheme and host lower-cased, the host as punycode, default ports dropped,
 * dot-segments removed, an empty path as `/`, a trailing `/` dropped from longer paths, no
 * fragment, the query kept. Undefined for what is not a URL.
 */
export function normalizeAudience(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return undefined;
  }
  // WHATWG URL parsing already lower-cases scheme and host, removes dot-segments and default ports.
  const host = domainToASCII(u.hostname) || u.hostname;
  const port = u.port === '' ? '' : `:${u.port}`;
  let path = u.pathname === '' ? '/' : u.pathname;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return `${u.protocol}//${host}${port}${path}${u.search}`;
}

/** Whether a token meant for `audience` may be used on this deployment (an empty audience may). */
export function audienceAllowed(audience: string | null | undefined, accessUrl: string): boolean {
  if (!audience) return true;
  const a = normalizeAudience(audience);
  return a !== undefined && a === normalizeAudience(accessUrl);
}
