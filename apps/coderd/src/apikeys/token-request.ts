import { ApiError, type ValidationError } from '../../../../libs/httpapi/src/api-error.js';
import { UUID_RE } from '../../../../libs/httpapi/src/pagination.js';
import { ACTIONS, isResourceType, isValidAction } from '../../../../libs/rbac/src/policy.js';
import type { APIKeyAllowListTarget } from './apikeys.dto.js';

const SCOPE_ALIASES: Record<string, string> = { all: 'coder:all', application_connect: 'coder:application_connect' };
const SPECIAL_SCOPES = new Set(['coder:all', 'coder:application_connect']);

/** Normalises requested scopes (legacy `scope`, aliases, duplicates); default `coder:all`. */
export function normaliseScopes(scope: string | undefined, scopes: string[] | undefined): string[] {
  const requested = [...(scopes ?? []), ...(scope ? [scope] : [])];
  if (requested.length === 0) return ['coder:all'];
  const out = new Set<string>();
  const validations: ValidationError[] = [];
  for (const raw of requested) {
    const s = SCOPE_ALIASES[raw] ?? raw;
    if (SPECIAL_SCOPES.has(s) || isLowLevelScope(s)) out.add(s);
    else validations.push({ field: 'scopes', detail: `"${raw}" is not a valid scope.` });
  }
  if (validations.length) throw new ApiError(400, 'Invalid scopes.', undefined, validations);
  return [...out].sort();
}

function isLowLevelScope(s: string): boolean {
  const i = s.indexOf(':');
  if (i < 0) return false;
  const type = s.slice(0, i);
  const action = s.slice(i + 1);
  return isResourceType(type) && (action === '*' || ((ACTIONS as readonly string[]).includes(action) && isValidAction(type, action)));
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
