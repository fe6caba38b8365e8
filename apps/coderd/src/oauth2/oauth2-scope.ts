import { SCOPE_ALL, canonicalScope, isExternalScope, scopesNotCovered } from '#rbac/scopes.js';

export const MAX_SCOPE_BYTES = 4096;

type Negotiated = { scopes: string[] } | { problem: string };

export const splitScope = (scope: string | null | undefined): string[] => (scope ?? '').split(' ').filter((s) => s !== '');

/** The canonical names a scope string names, deduplicated; only names of the external catalog are allowed. */
export function asked(requested: string): Negotiated {
  if (Buffer.byteLength(requested) > MAX_SCOPE_BYTES) return { problem: `scope must be at most ${MAX_SCOPE_BYTES} bytes` };
  const names = splitScope(requested);
  const unknown = names.filter((s) => !isExternalScope(s));
  if (unknown.length > 0) return { problem: `unknown scope: ${unknown.join(', ')}` };
  return { scopes: [...new Set(names.map(canonicalScope))] };
}

/** `wanted` when `held` covers it, else the problem. */
function within(held: readonly string[], wanted: Negotiated, why: string): Negotiated {
  if ('problem' in wanted) return wanted;
  const wider = scopesNotCovered(held, wanted.scopes);
  return wider.length > 0 ? { problem: `${why}: ${wider.join(', ')}` } : wanted;
}

/**
 * The scopes an authorization grants (Coder's allowlist rule). An app's registered scope is its
 * allowlist. Nothing asked and no allowlist is `coder:all`; nothing asked with an allowlist is the
 * allowlist; a request must be covered by the allowlist. Answers the problem for `invalid_scope`.
 */
export function negotiateScope(allowlist: string, requested: string | undefined): Negotiated {
  const allowed = [...new Set(splitScope(allowlist).map(canonicalScope))];
  const wanted = asked(requested ?? '');
  if ('problem' in wanted) return wanted;
  if (wanted.scopes.length === 0) return { scopes: allowed.length > 0 ? allowed : [SCOPE_ALL] };
  return allowed.length > 0 ? within(allowed, wanted, 'scope not allowed for this client') : wanted;
}

/** A refresh may name a narrower scope (RFC 6749 6), never a wider one. */
export function narrowScope(granted: readonly string[], requested: string | undefined): Negotiated {
  if (requested === undefined) return { scopes: [...granted] };
  return within(granted, asked(requested), 'scope is wider than the grant');
}
