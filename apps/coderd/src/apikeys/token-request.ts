import { ApiError, type ValidationError } from '#httpapi/api-error.js';
import { UUID_RE } from '#httpapi/pagination.js';
import { isResourceType } from '#rbac/policy.js';
import { SCOPE_ALL, canonicalScope, isExternalScope, isKnownScope, normalizeAllowList } from '#rbac/scopes.js';
import type { AllowListEntry } from '#rbac/subject.js';
import type { APIKeyAllowListTarget } from './apikeys.dto.js';

const FAILED = 'Failed to create API key.';

function scopeProblem(scope: string): string | undefined {
  if (isExternalScope(scope)) return undefined;
  if (isKnownScope(scope)) return `"${scope}" is not a requestable scope; GET /api/v2/auth/scopes lists those that are.`;
  return `"${scope}" is not a valid scope.`;
}

/**
 * Coder's rules: `scopes` wins over the legacy `scope`; nothing at all means coder:all; aliases
 * are rewritten; duplicates dropped. Only externally requestable scopes are accepted.
 */
export function normaliseScopes(scope: string | undefined, scopes: string[] | undefined): string[] {
  const [field, requested] = scopes && scopes.length > 0 ? ['scopes', scopes] : ['scope', scope ? [scope] : []];
  if (requested.length === 0) return [SCOPE_ALL];
  const validations: ValidationError[] = [];
  for (const s of new Set(requested)) {
    const problem = scopeProblem(s);
    if (problem) validations.push({ field, detail: problem });
  }
  if (validations.length) {
    const first = requested.find((s) => scopeProblem(s));
    throw new ApiError(400, FAILED, `invalid or unsupported API key scope: "${first}"`, validations);
  }
  return [...new Set(requested.map(canonicalScope))].sort();
}

/** Coder's allow-list rules: `*:*`, `<type>:*` or `<type>:<uuid>`; `*:*` stands alone; sorted. */
export function normaliseAllowList(list: APIKeyAllowListTarget[] | undefined): string[] {
  if (!list || list.length === 0) return ['*:*'];
  const validations: ValidationError[] = [];
  const entries: AllowListEntry[] = [];
  list.forEach((t, i) => {
    const type = t.type.toLowerCase();
    const id = t.id.toLowerCase();
    if (type === '*') {
      if (id !== '*') validations.push({ field: `allow_list[${i}].id`, detail: 'The wildcard type "*" only allows the id "*".' });
      else entries.push({ type, id });
      return;
    }
    if (!isResourceType(type)) validations.push({ field: `allow_list[${i}].type`, detail: `"${t.type}" is not a resource type.` });
    else if (id !== '*' && !UUID_RE.test(id)) validations.push({ field: `allow_list[${i}].id`, detail: 'Must be "*" or a UUID.' });
    else entries.push({ type, id });
  });
  if (validations.length) throw new ApiError(400, 'Invalid allow list.', undefined, validations);
  return normalizeAllowList(entries).map((e) => `${e.type}:${e.id}`);
}
