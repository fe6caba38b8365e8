// API-key scopes and allow lists (reference §4). Minimal for now: a later issue builds the full
// scope catalog. Every scope expands to site-level permissions, so checking one needs only the
// object's type and the action, never its owner or organization.
import { ACTIONS, isResourceType, isValidAction, type Action, type ResourceType } from './policy.js';
import type { AllowListEntry } from './subject.js';

type Grants = Partial<Record<ResourceType, ReadonlyArray<Action>>>;

// Named scopes other than coder:all. The composites are Coder's (reference §4); they are cheap
// to carry and keep keys that hold them from being denied everything.
const NAMED_SCOPES: Record<string, Grants> = {
  'coder:application_connect': { workspace: ['application_connect'] },
  'coder:workspaces.create': {
    template: ['read', 'use'],
    workspace: ['start', 'stop', 'create', 'update', 'read'],
    organization_member: ['read'],
  },
  'coder:workspaces.operate': {
    template: ['read'],
    workspace: ['start', 'stop', 'read', 'update'],
    organization_member: ['read'],
  },
  'coder:workspaces.delete': {
    template: ['read', 'use'],
    workspace: ['read', 'delete'],
    organization_member: ['read'],
  },
  'coder:workspaces.access': {
    template: ['read'],
    organization_member: ['read'],
    workspace: ['read', 'ssh', 'application_connect'],
  },
  'coder:templates.build': { template: ['read'], file: ['create', 'read'], provisioner_jobs: ['read'] },
  'coder:templates.author': {
    template: ['read', 'create', 'update', 'delete', 'view_insights'],
    file: ['create', 'read'],
  },
  'coder:apikeys.manage_self': { api_key: ['read', 'create', 'update', 'delete'] },
};

// Legacy names accepted by Coder.
const ALIASES: Record<string, string> = { all: 'coder:all', application_connect: 'coder:application_connect' };

/** The canonical name of a scope (legacy aliases resolved). */
export function canonicalScope(scope: string): string {
  return Object.hasOwn(ALIASES, scope) ? ALIASES[scope] : scope;
}

/** Whether a key may carry this scope: coder:all, a named composite, or `<resource>:<action|*>`. */
export function isKnownScope(scope: string): boolean {
  const name = canonicalScope(scope);
  if (name === 'coder:all' || Object.hasOwn(NAMED_SCOPES, name)) return true;
  const sep = name.indexOf(':');
  if (sep <= 0) return false;
  const resource = name.slice(0, sep);
  const act = name.slice(sep + 1);
  return isResourceType(resource) && (act === '*' || ((ACTIONS as readonly string[]).includes(act) && isValidAction(resource, act as Action)));
}

function scopeAllowsOne(scope: string, type: ResourceType, action: Action): boolean {
  const name = canonicalScope(scope);
  if (name === 'coder:all') return true;
  if (Object.hasOwn(NAMED_SCOPES, name)) return NAMED_SCOPES[name][type]?.includes(action) ?? false;
  // Low-level `<resource>:<action>` or `<resource>:*`.
  const sep = name.indexOf(':');
  if (sep <= 0 || name.startsWith('coder:')) return false;
  const resource = name.slice(0, sep);
  const act = name.slice(sep + 1);
  return resource === type && (act === '*' || act === action);
}

/** True when any scope grants `action` on `type`. No scopes at all denies (fail closed). */
export function scopeAllows(scopes: string[], type: ResourceType, action: Action): boolean {
  return scopes.some((s) => scopeAllowsOne(s, type, action));
}

/**
 * True when the allow list covers the object: `*:*`, `<type>:*` or `<type>:<id>`. An object
 * without an id (e.g. a create check) is covered only by wildcard entries. Empty list denies.
 */
export function allowListAllows(list: AllowListEntry[], type: ResourceType, id?: string): boolean {
  const wanted = id?.toLowerCase();
  return list.some(
    (e) =>
      (e.type === '*' && e.id === '*') ||
      (e.type === type && (e.id === '*' || (wanted !== undefined && wanted !== '' && e.id.toLowerCase() === wanted))),
  );
}

/**
 * The ids the allow list pins `type` to: 'all' when a wildcard covers the type, otherwise the
 * (possibly empty) list of ids. Used by SQL filters.
 */
export function allowListIds(list: AllowListEntry[], type: ResourceType): 'all' | string[] {
  if (list.some((e) => (e.type === '*' && e.id === '*') || (e.type === type && e.id === '*'))) return 'all';
  return list.filter((e) => e.type === type).map((e) => e.id.toLowerCase());
}
