// The actor being authorized: a user (through an API key) or a named system subject.
import { createHash } from 'node:crypto';

/** One allow-list entry; `{type: '*', id: '*'}` allows everything. */
export interface AllowListEntry {
  type: string;
  id: string;
}

export interface Subject {
  id: string;
  friendlyName: string;
  /** Site role names; real users always include 'member'. */
  siteRoles: string[];
  /** Organization id -> role names. Every org the subject belongs to is a key (membership). */
  orgRoles: Record<string, string[]>;
  /** Group ids. */
  groups: string[];
  /** API key scopes, e.g. ['coder:all']. Empty denies everything. */
  scopes: string[];
  /** API key allow list. Empty denies everything (fail closed). */
  allowList: AllowListEntry[];
  /** Stable digest of all fields above; keys the authorization caches. */
  cacheKey: string;
}

const sorted = (xs: readonly string[]) => [...xs].sort();

/**
 * Build a subject with its cache key. Arrays are copied so that later mutation of the input
 * cannot make a cached decision disagree with the subject it was computed for.
 */
export function makeSubject(input: Omit<Subject, 'cacheKey'>): Subject {
  const orgRoles: Record<string, string[]> = {};
  for (const org of Object.keys(input.orgRoles).sort()) orgRoles[org] = sorted(input.orgRoles[org] ?? []);
  const entryKey = (e: AllowListEntry) => `${e.type}:${e.id}`;
  const allowList = input.allowList
    .map((e) => ({ type: e.type, id: e.id }))
    .sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : entryKey(a) > entryKey(b) ? 1 : 0));
  const normalized = {
    id: input.id,
    friendlyName: input.friendlyName,
    siteRoles: sorted(input.siteRoles),
    orgRoles,
    groups: sorted(input.groups),
    scopes: sorted(input.scopes),
    allowList,
  };
  // JSON keeps the encoding unambiguous (no separator collisions); the hash keeps keys short.
  const cacheKey = createHash('sha256').update(JSON.stringify(normalized)).digest('base64url');
  return { ...normalized, cacheKey };
}

export function isOrgMember(subject: Subject, orgId: string): boolean {
  return orgId !== '' && Object.hasOwn(subject.orgRoles, orgId);
}

/** A background job acting with one system role and nothing else (no user, no organization). */
export function systemSubject(name: string, role: `system:${string}`): Subject {
  return makeSubject({ id: '', friendlyName: name, siteRoles: [role], orgRoles: {}, groups: [], scopes: ['coder:all'], allowList: [{ type: '*', id: '*' }] });
}
