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
