// API-key scopes (reference §4, Coder's coderd/rbac/scopes.go). A scope expands to site-level
// permissions plus an allow list; a key may act only where its owner's roles AND one of its scopes
// AND its allow list agree. Every scope is site-level, so checking one needs only the object's type
// and the action, never its owner or organization.
import { RESOURCE_TYPES, actionsOf, isResourceType, isValidAction, type Action, type ResourceType } from './policy.js';
import type { AllowListEntry } from './subject.js';

export type ScopeGrants = Partial<Record<ResourceType, readonly Action[]>>;

export interface ExpandedScope {
  /** 'all' for coder:all: every action on every resource type. */
  grants: ScopeGrants | 'all';
  /** The objects the scope reaches; every scope Coder defines today reaches everything. */
  allowList: readonly AllowListEntry[];
}

export const SCOPE_ALL = 'coder:all';
export const SCOPE_APPLICATION_CONNECT = 'coder:application_connect';
const EVERYTHING: readonly AllowListEntry[] = Object.freeze([{ type: '*', id: '*' }]);

/** Coder's composite scopes and their expansions. */
export const COMPOSITE_SCOPES: Readonly<Record<string, ScopeGrants>> = {
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

/** Legacy spellings Coder still accepts. */
export const SCOPE_ALIASES: Readonly<Record<string, string>> = { all: SCOPE_ALL, application_connect: SCOPE_APPLICATION_CONNECT };

/** The canonical name of a scope (legacy aliases resolved). */
export function canonicalScope(scope: string): string {
  return Object.hasOwn(SCOPE_ALIASES, scope) ? SCOPE_ALIASES[scope] : scope;
}

/** `<resource>:<action>` or `<resource>:*` split into its parts, when both are real. */
function parseLowLevel(name: string): { type: ResourceType; action: Action | '*' } | undefined {
  const sep = name.indexOf(':');
  if (sep <= 0) return undefined;
  const type = name.slice(0, sep);
  const action = name.slice(sep + 1);
  if (!isResourceType(type)) return undefined;
  if (action !== '*' && !isValidAction(type, action)) return undefined;
  return { type, action: action as Action | '*' };
}

const expansions = new Map<string, ExpandedScope | null>();

/** What a scope grants, or undefined for a name that is not a scope. Aliases are accepted. */
export function expandScope(scope: string): ExpandedScope | undefined {
  const name = canonicalScope(scope);
  let hit = expansions.get(name);
  if (hit === undefined) {
    hit = computeExpansion(name) ?? null;
    // Only real scopes are remembered, so arbitrary input cannot grow the map.
    if (hit) expansions.set(name, hit);
  }
  return hit ?? undefined;
}

function computeExpansion(name: string): ExpandedScope | undefined {
  if (name === SCOPE_ALL) return { grants: 'all', allowList: EVERYTHING };
  if (name === SCOPE_APPLICATION_CONNECT) return { grants: { workspace: ['application_connect'] }, allowList: EVERYTHING };
  if (Object.hasOwn(COMPOSITE_SCOPES, name)) return { grants: COMPOSITE_SCOPES[name], allowList: EVERYTHING };
  if (name.startsWith('coder:')) return undefined;
  const low = parseLowLevel(name);
  if (!low) return undefined;
  return { grants: { [low.type]: low.action === '*' ? actionsOf(low.type) : [low.action] }, allowList: EVERYTHING };
}

/** Whether a name (or alias) is any scope at all, requestable or not. */
export function isKnownScope(scope: string): boolean {
  return expandScope(scope) !== undefined;
}

/**
 * Every scope name, as Coder's api_key_scope enum: coder:all, coder:application_connect, the
 * composites, and `<resource>:<action>` plus `<resource>:*` for every entry of the policy table.
 */
export const SCOPE_CATALOG: readonly string[] = Object.freeze(
  [
    SCOPE_ALL,
    SCOPE_APPLICATION_CONNECT,
    ...Object.keys(COMPOSITE_SCOPES),
    ...RESOURCE_TYPES.flatMap((type) => [...actionsOf(type).map((a) => `${type}:${a}`), `${type}:*`]),
  ].sort(),
);

// The curated low-level scopes integrators may request (Coder's scopes_catalog.go, limited to
// resource types this server has). Everything else in the catalog is for internal keys only.
const EXTERNAL_LOW_LEVEL = [
  'workspace:read', 'workspace:create', 'workspace:update', 'workspace:delete', 'workspace:ssh',
  'workspace:start', 'workspace:stop', 'workspace:application_connect', 'workspace:*',
  'template:read', 'template:create', 'template:update', 'template:delete', 'template:use', 'template:*',
  'api_key:read', 'api_key:create', 'api_key:update', 'api_key:delete', 'api_key:*',
  'file:read', 'file:create', 'file:*',
  // No wildcard: it would grant create, which stays internal.
  'inbox_notification:read', 'inbox_notification:update',
  'user:read', 'user:read_personal', 'user:update_personal', 'user:*',
  'user_secret:read', 'user_secret:create', 'user_secret:update', 'user_secret:delete', 'user_secret:*',
  'task:create', 'task:read', 'task:update', 'task:delete', 'task:*',
  'organization:read', 'organization:update', 'organization:delete', 'organization:*',
  // Ours: a token for a coding agent that may use AI Bridge and nothing else.
  'aibridge_interception:create',
] as const;

for (const name of EXTERNAL_LOW_LEVEL) {
  // A curated name the policy table does not know is a programming error, not a silent omission.
  if (!parseLowLevel(name)) throw new Error(`rbac: external scope "${name}" is not in the policy table.`);
}

/** What `GET /api/v2/auth/scopes` lists: canonical names only, sorted. */
export const EXTERNAL_SCOPES: readonly string[] = Object.freeze(
  [SCOPE_ALL, SCOPE_APPLICATION_CONNECT, ...Object.keys(COMPOSITE_SCOPES), ...EXTERNAL_LOW_LEVEL].sort(),
);
const EXTERNAL_SET: ReadonlySet<string> = new Set(EXTERNAL_SCOPES);

/** Whether a user may put this scope (or alias) on a token. */
export function isExternalScope(scope: string): boolean {
  return EXTERNAL_SET.has(canonicalScope(scope));
}

function grantsAllow(grants: ScopeGrants | 'all', type: ResourceType, action: Action): boolean {
  return grants === 'all' || (grants[type]?.includes(action) ?? false);
}

/** True when any scope grants `action` on `type`. No scopes at all denies (fail closed). */
export function scopeAllows(scopes: readonly string[], type: ResourceType, action: Action): boolean {
  for (const s of scopes) {
    const e = expandScope(s);
    if (e && grantsAllow(e.grants, type, action)) return true;
  }
  return false;
}

/**
 * The requested scopes that grant something `held` does not: a key may only create keys that can
 * do no more than itself. An empty result means every requested scope is covered.
 */
export function scopesNotCovered(held: readonly string[], requested: readonly string[]): string[] {
  const holdsAll = held.some((s) => canonicalScope(s) === SCOPE_ALL);
  return requested.filter((s) => {
    const e = expandScope(s);
    if (!e) return true;
    if (holdsAll) return false;
    if (e.grants === 'all') return true;
    return Object.entries(e.grants).some(([type, actions]) =>
      (actions ?? []).some((a) => !scopeAllows(held, type as ResourceType, a)),
    );
  });
}

const isEverything = (e: AllowListEntry) => e.type === '*' && e.id === '*';

/**
 * True when the allow list covers the object: `*:*`, `<type>:*` or `<type>:<id>`. An object
 * without an id (e.g. a create check) is covered only by wildcard entries. Empty list denies.
 */
export function allowListAllows(list: readonly AllowListEntry[], type: ResourceType, id?: string): boolean {
  const wanted = id?.toLowerCase();
  return list.some(
    (e) =>
      isEverything(e) ||
      (e.type === type && (e.id === '*' || (wanted !== undefined && wanted !== '' && e.id.toLowerCase() === wanted))),
  );
}

/** Whether every object `inner` reaches is also reached by `outer`. */
export function allowListCovers(outer: readonly AllowListEntry[], inner: readonly AllowListEntry[]): boolean {
  return inner.every((e) => {
    if (isEverything(e)) return outer.some(isEverything);
    if (e.type === '*') return false;
    if (e.id === '*') return outer.some((o) => isEverything(o) || (o.type === e.type && o.id === '*'));
    return isResourceType(e.type) && allowListAllows(outer, e.type, e.id);
  });
}

/** Coder's normal form: `*:*` alone when present, a type wildcard shadows that type's ids, sorted, deduplicated. */
export function normalizeAllowList(entries: readonly AllowListEntry[]): AllowListEntry[] {
  if (entries.some(isEverything)) return [{ type: '*', id: '*' }];
  const keys = new Set(entries.map((e) => `${e.type}:${e.id.toLowerCase()}`));
  return [...keys]
    .filter((k) => k.endsWith(':*') || !keys.has(`${k.slice(0, k.indexOf(':'))}:*`))
    .sort()
    .map((k) => {
      const i = k.indexOf(':');
      return { type: k.slice(0, i), id: k.slice(i + 1) };
    });
}

/** The objects both lists reach (Coder: effective allow list = scope's ∩ key's). Empty reaches nothing. */
export function intersectAllowLists(a: readonly AllowListEntry[], b: readonly AllowListEntry[]): AllowListEntry[] {
  if (a.some(isEverything)) return normalizeAllowList([...b]);
  if (b.some(isEverything)) return normalizeAllowList([...a]);
  const out: AllowListEntry[] = [];
  for (const x of a) {
    for (const y of b) {
      if (x.type !== y.type) continue;
      if (x.id === '*') out.push(y);
      else if (y.id === '*' || x.id.toLowerCase() === y.id.toLowerCase()) out.push(x);
    }
  }
  return normalizeAllowList(out);
}

/** The allow list a key acts under: what its scopes reach, narrowed by its own list. */
export function effectiveAllowList(scopes: readonly string[], keyList: readonly AllowListEntry[]): AllowListEntry[] {
  const reach = scopes.flatMap((s) => expandScope(s)?.allowList ?? []);
  return intersectAllowLists(normalizeAllowList(reach), keyList);
}

/**
 * The ids the allow list pins `type` to: 'all' when a wildcard covers the type, otherwise the
 * (possibly empty) list of ids. Used by SQL filters.
 */
export function allowListIds(list: readonly AllowListEntry[], type: ResourceType): 'all' | string[] {
  if (list.some((e) => isEverything(e) || (e.type === type && e.id === '*'))) return 'all';
  return list.filter((e) => e.type === type).map((e) => e.id.toLowerCase());
}
