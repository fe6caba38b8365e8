import { ApiError, type ValidationError } from '../../../../libs/httpapi/src/api-error.js';
import { UUID_RE } from '../../../../libs/httpapi/src/pagination.js';
import { isResourceType } from '../../../../libs/rbac/src/policy.js';
import { canonicalScope, isKnownScope } from '../../../../libs/rbac/src/scopes.js';
import type { APIKeyAllowListTarget } from './apikeys.dto.js';

/** Normalises requested scopes (legacy `scope`, aliases, duplicates); default `coder:all`. */
export function normaliseScopes(scope: string | undefined, scopes: string[] | undefined): string[] {
  const requested = [...(scopes ?? []), ...(scope ? [scope] : [])];
  if (requested.length === 0) return ['coder:all'];
  const validations: ValidationError[] = requested
    .filter((s) => !isKnownScope(s))
    .map((s) => ({ field: 'scopes', detail: `"${s}" is not a valid scope.` }));
  if (validations.length) throw new ApiError(400, 'Invalid scopes.', undefined, validations);
  return [...new Set(requested.map(canonicalScope))].sort();
}

export const MAX_ALLOW_LIST_ENTRIES = 128;

/** Coder's allow-list rules: `*:*`, `<type>:*` or `<type>:<uuid>`; `*:*` stands alone; sorted. */
export function normaliseAllowList(list: APIKeyAllowListTarget[] | undefined): string[] {
  if (!list || list.length === 0) return ['*:*'];
  const validations: ValidationError[] = [];
  const entries = new Set<string>();
  list.forEach((t, i) => {
    const type = t.type.toLowerCase();
    const id = t.id.toLowerCase();
    if (type === '*') {
      if (id !== '*') validations.push({ field: `allow_list[${i}].id`, detail: 'The wildcard type "*" only allows the id "*".' });
      else entries.add('*:*');
      return;
    }
    if (!isResourceType(type)) validations.push({ field: `allow_list[${i}].type`, detail: `"${t.type}" is not a resource type.` });
    else if (id !== '*' && !UUID_RE.test(id)) validations.push({ field: `allow_list[${i}].id`, detail: 'Must be "*" or a UUID.' });
    else entries.add(`${type}:${id}`);
  });
  if (validations.length) throw new ApiError(400, 'Invalid allow list.', undefined, validations);
  if (entries.has('*:*')) return ['*:*'];
  // A type wildcard covers that type's specific ids.
  const result = [...entries].filter((e) => e.endsWith(':*') || !entries.has(`${e.slice(0, e.indexOf(':'))}:*`));
  return result.sort();
}
