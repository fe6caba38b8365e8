const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a requested redirect URI is one of the registered ones (Coder's RedirectURIMatches): the
 * same string, except that a registered `http` loopback URI matches on any port (RFC 8252 7.3, native
 * apps listen on a port chosen at run time).
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  let r: URL;
  let q: URL;
  try {
    r = new URL(registered);
    q = new URL(requested);
  } catch {
    return false;
  }
  if (r.protocol !== 'http:' || q.protocol !== 'http:' || !LOOPBACK.has(r.hostname) || r.hostname !== q.hostname) return false;
  return r.pathname === q.pathname && r.search === q.search && r.username === q.username && r.password === q.password && q.hash === '';
}

/** The registered URI a request names (or the first registered one when it names none); undefined when none matches. */
export function pickRedirectUri(registered: readonly string[], requested: string | undefined): string | undefined {
  if (requested === undefined || requested === '') return registered[0];
  return registered.some((r) => redirectUriMatches(r, requested)) ? requested : undefined;
}

const MAX_URI_BYTES = 2048;
const BLOCKED_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'ftp:', 'vbscript:']);
const NOT_FOR_PUBLIC = new Set(['mailto:', 'tel:', 'sms:']);
const OOB = 'urn:ietf:wg:oauth:2.0:oob';

/**
 * Whether a redirect URI may be registered (RFC 7591 2, RFC 8252 7, Coder's rules): https; http on
 * loopback only (and `*.localhost` for confidential clients); custom schemes for native apps, written
 * with a path (`com.example.app:/cb`); never a fragment or a scheme that runs or reads locally.
 * Answers the problem, or undefined.
 */
export function redirectUriProblem(uri: string, clientType: 'confidential' | 'public'): string | undefined {
  if (Buffer.byteLength(uri) > MAX_URI_BYTES) return `redirect URI must be at most ${MAX_URI_BYTES} bytes`;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return `redirect URI "${uri}" is not an absolute URI`;
  }
  if (u.protocol === 'urn:') return uri === OOB ? undefined : `redirect URI "${uri}": the only URN allowed is ${OOB}`;
  if (BLOCKED_SCHEMES.has(u.protocol)) return `redirect URI "${uri}": the ${u.protocol.slice(0, -1)} scheme is not allowed`;
  if (uri.includes('#')) return `redirect URI "${uri}" must not contain a fragment`;
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    if (!u.hostname) return `redirect URI "${uri}" has no host`;
    const loopback = LOOPBACK.has(u.hostname) || (clientType === 'confidential' && u.hostname.endsWith('.localhost'));
    if (u.protocol === 'http:' && !loopback) return `redirect URI "${uri}" must use https (http is for loopback addresses only)`;
    return undefined;
  }
  if (!u.host && !u.pathname.startsWith('/')) return `redirect URI "${uri}" needs a host or a path starting with /`;
  if (clientType === 'public' && NOT_FOR_PUBLIC.has(u.protocol)) return `redirect URI "${uri}": the ${u.protocol.slice(0, -1)} scheme is not allowed`;
  return undefined;
}
