import { effectiveAllowList } from '#rbac/scopes.js';
import { makeSubject, type AllowListEntry, type Subject } from '#rbac/subject.js';
import type { UserAuthRow } from './auth.repository.js';

/** Builds the RBAC subject: implied `member`/`organization-member` roles plus the key's scopes. */
export function subjectFor(user: UserAuthRow, scopes: string[], allowList: string[]): Subject {
  const orgRoles: Record<string, string[]> = {};
  for (const [orgId, roles] of Object.entries(user.org_roles ?? {})) {
    orgRoles[orgId] = ['organization-member', ...roles.filter((r) => r !== 'organization-member')];
  }
  return makeSubject({
    id: user.user_id,
    friendlyName: user.username,
    siteRoles: ['member', ...user.rbac_roles.filter((r) => r !== 'member')],
    orgRoles,
    groups: user.group_ids ?? [],
    scopes,
    allowList: effectiveAllowList(scopes, allowList.map(parseAllowListEntry)),
  });
}

export function parseAllowListEntry(entry: string): AllowListEntry {
  const i = entry.indexOf(':');
  return i < 0 ? { type: entry, id: '*' } : { type: entry.slice(0, i), id: entry.slice(i + 1) };
}
